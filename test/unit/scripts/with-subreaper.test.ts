import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { readProcessInfo } from '../../support/process-table';
import { waitUntil } from '../../support/wait-until';

const REPO = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO, '.tmp', 'bin', 'subreaper');

/** Runs the subreaper over a shell that leaves an orphan (`sleep 0.2`), printing the orphan's pid. */
function orphanUnder(delayMs: number): Promise<{ orphan: number; reaper: number; done: Promise<number | null> }> {
  const child = spawn(BIN, ['--delay-ms', String(delayMs), '--', 'sh', '-c', 'sh -c "sleep 0.2 & echo \\$!"; sleep 3'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve({ orphan: Number(d.toString().trim()), reaper: child.pid ?? 0, done })),
  );
}

describe('the test subreaper (scripts/with-subreaper.sh): reaps orphans after a delay, as init does on a real host', () => {
  beforeAll(() => {
    execFileSync('bash', [path.join(REPO, 'scripts', 'with-subreaper.sh'), 'true']); // compiles it when missing
  });

  it('adopts an orphan, leaves it a zombie for the delay, then reaps it', async () => {
    const { orphan, reaper, done } = await orphanUnder(800);
    await waitUntil(() => readProcessInfo(orphan)?.ppid === reaper, {
      timeoutMs: 2000,
      description: 'the orphan adopted by the subreaper',
    });
    await waitUntil(() => readProcessInfo(orphan)?.state === 'Z', { timeoutMs: 2000, description: 'the orphan to exit and be a zombie' });
    const zombieSince = Date.now();
    await waitUntil(() => readProcessInfo(orphan) === undefined, { timeoutMs: 5000, description: 'the zombie reaped' });
    expect(Date.now() - zombieSince).toBeGreaterThanOrEqual(500);
    expect(await done).toBe(0);
  });

  it("passes its command's exit status through and tells it where the reaper is", () => {
    const out = execFileSync(BIN, ['--delay-ms', '0', '--', 'sh', '-c', 'echo "$SRS_CHATOPS_SUBREAPER $SRS_CHATOPS_REAP_DELAY_MS"'], {
      encoding: 'utf8',
    });
    expect(out.trim()).toMatch(/^\d+ 0$/);
    let status = 0;
    try {
      execFileSync(BIN, ['--', 'sh', '-c', 'exit 7'], { stdio: 'ignore' });
    } catch (err) {
      status = (err as { status: number }).status;
    }
    expect(status).toBe(7);
  });
});
