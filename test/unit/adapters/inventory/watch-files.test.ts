import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../../src/adapters/logger';
import { watchFiles, type FileWatch } from '../../../../src/adapters/inventory/watch-files';

const logger = createLogger('test');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `calls()` reaches `n` (or fails after `ms`). */
async function until(calls: () => number, n: number, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (calls() < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} change(s), saw ${calls()}`);
    await sleep(20);
  }
}

describe('watchFiles (real files in a temp dir)', () => {
  let dir: string;
  let watch: FileWatch | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-files-'));
  });
  afterEach(() => {
    watch?.close();
    watch = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('calls once per burst of writes, after the quiet time', async () => {
    const file = path.join(dir, 'srs-chatops.yml');
    fs.writeFileSync(file, 'a: 1\n');
    let n = 0;
    watch = watchFiles([file], () => n++, { debounceMs: 200, logger });
    for (let i = 0; i < 5; i++) {
      fs.appendFileSync(file, `b${i}: 1\n`);
      await sleep(30);
    }
    await sleep(100);
    expect(n).toBe(0); // still inside the quiet time of the last write
    await until(() => n, 1);
    await sleep(400);
    expect(n).toBe(1);
  });

  it("survives an editor's save by rename: the watch is re-armed and later writes are seen", async () => {
    const file = path.join(dir, 'inventory.yml');
    fs.writeFileSync(file, 'v: 1\n');
    let n = 0;
    watch = watchFiles([file], () => n++, { debounceMs: 100, retryMs: 20, logger });
    const tmp = path.join(dir, '.inventory.yml.swp');
    fs.writeFileSync(tmp, 'v: 2\n');
    fs.renameSync(tmp, file);
    await until(() => n, 1);
    await sleep(300);
    const afterRename = n;
    // The old inode is gone: only a re-armed watch sees this write.
    fs.appendFileSync(file, 'w: 3\n');
    await until(() => n, afterRename + 1);
  });

  it('waits for a file removed and written again (unlink, then create), and sees it come back', async () => {
    const file = path.join(dir, 'hosts.yml');
    fs.writeFileSync(file, 'v: 1\n');
    let n = 0;
    watch = watchFiles([file], () => n++, { debounceMs: 100, retryMs: 20, logger });
    fs.unlinkSync(file);
    await sleep(250);
    const whileGone = n;
    fs.writeFileSync(file, 'v: 2\n');
    await until(() => n, whileGone + 1);
    fs.appendFileSync(file, 'w: 3\n');
    await until(() => n, whileGone + 2);
  });

  it('setPaths moves the watch: a file no longer named is ignored, the new one is seen', async () => {
    const a = path.join(dir, 'a.yml');
    const b = path.join(dir, 'b.yml');
    fs.writeFileSync(a, '1\n');
    fs.writeFileSync(b, '1\n');
    let n = 0;
    watch = watchFiles([a], () => n++, { debounceMs: 50, logger });
    watch.setPaths([b]);
    fs.appendFileSync(a, '2\n');
    await sleep(300);
    expect(n).toBe(0);
    fs.appendFileSync(b, '2\n');
    await until(() => n, 1);
  });

  it('close stops it: no call after', async () => {
    const file = path.join(dir, 'c.yml');
    fs.writeFileSync(file, '1\n');
    let n = 0;
    watch = watchFiles([file], () => n++, { debounceMs: 50, logger });
    fs.appendFileSync(file, '2\n');
    watch.close();
    await sleep(300);
    expect(n).toBe(0);
  });
});
