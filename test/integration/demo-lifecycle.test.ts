import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { findDemoProcesses, type DemoProcess } from '../../scripts/demo/sweep';
import { readRunRecord } from '../../scripts/demo/state';
import { isProcessAlive } from '../support/process-table';
import { signalProcess } from '../support/stop-process';
import { sleep, waitUntil } from '../support/wait-until';

/**
 * `npm run demo -- --fleet-only` (scripts/demo.sh) as a real process tree: the subreaper, the demo, its watchdog,
 * redis-server, 3 sshd and 3 SRS simulators, under a state directory of the test's own (SRS_CHATOPS_DEMO_DIR).
 * Closing the terminal (SIGHUP to the process group), SIGTERM, `kill -9` of the demo, and a start after a run whose
 * watchdog died too must each leave no process behind.
 */
const REPO = path.resolve(__dirname, '../..');

interface Demo {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

let stateDir: string;
const started: Demo[] = [];

function startDemo(): Demo {
  const child = spawn('bash', ['scripts/demo.sh', '--fleet-only'], {
    cwd: REPO,
    env: { ...process.env, SRS_CHATOPS_DEMO_DIR: stateDir, SLACK_BOT_TOKEN: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group, as a terminal's foreground job: the hangup goes to the whole group.
    detached: true,
  });
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (err += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const demo = { child, stderr: () => err, exited };
  started.push(demo);
  return demo;
}

async function whenReady(demo: Demo): Promise<void> {
  await waitUntil(
    () => {
      if (demo.child.exitCode !== null) throw new Error(`the demo exited (${demo.child.exitCode}):\n${demo.stderr()}`);
      return demo.stderr().includes('ready (no console)');
    },
    { timeoutMs: 150_000, intervalMs: 200, description: 'the demo to say it is ready' },
  );
}

/** The demo's processes: the demo itself (run.json) and everything of its state directory. */
function processesOf(): { demoPid: number; all: DemoProcess[] } {
  const record = readRunRecord(path.join(stateDir, 'run.json'));
  if (!record) throw new Error('no run.json');
  return { demoPid: record.pid, all: findDemoProcesses(stateDir) };
}

function vhostClients(apiPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: apiPort, path: '/api/v1/vhosts/' }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          const parsed = JSON.parse(body) as { vhosts?: Array<{ clients?: number }> };
          resolve(parsed.vhosts?.[0]?.clients ?? 0);
        });
      })
      .on('error', reject);
  });
}

async function expectAllGone(pids: readonly number[], withinMs: number): Promise<void> {
  await waitUntil(() => pids.every((pid) => !isProcessAlive(pid)) && findDemoProcesses(stateDir).length === 0, {
    timeoutMs: withinMs,
    intervalMs: 100,
    description: `every demo process to be gone (left: ${pids.filter(isProcessAlive).join(', ')})`,
  }).catch((err: Error) => {
    throw new Error(`${err.message}\nstill there: ${JSON.stringify(findDemoProcesses(stateDir))}`);
  });
}

beforeAll(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-lifecycle-'));
});

afterAll(async () => {
  for (const demo of started) if (demo.child.exitCode === null && demo.child.pid) signalProcess(-demo.child.pid, 'SIGKILL');
  for (const p of findDemoProcesses(stateDir)) signalProcess(p.pid, 'SIGKILL');
  await sleep(300);
  fs.rmSync(stateDir, { recursive: true, force: true });
});

describe('npm run demo leaves nothing running', () => {
  it('a closed terminal (SIGHUP to the process group) stops redis-server, every sshd and SRS, and the viewers were live', async () => {
    const demo = startDemo();
    await whenReady(demo);
    const { demoPid, all } = processesOf();
    const comms = all.map((p) => p.comm);
    expect(comms.filter((c) => c === 'sshd').length).toBeGreaterThanOrEqual(3);
    expect(comms).toContain('redis-server');
    expect(all.filter((p) => p.cmdline.includes('/objs/srs')).length).toBe(3);
    expect(all.filter((p) => p.cmdline.includes('watchdog-main')).length).toBe(1);
    // The viewers: per host a publisher, 4 viewers who come and go, 1 who stays (a few may be between two visits).
    const config = fs.readFileSync(path.join(stateDir, 'srs-chatops.yml'), 'utf8');
    const apiPorts = [...config.matchAll(/api: 127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    expect(apiPorts).toHaveLength(3);
    for (const port of apiPorts) expect(await vhostClients(port)).toBeGreaterThanOrEqual(4);

    signalProcess(-(demo.child.pid ?? 0), 'SIGHUP');
    await expectAllGone([demoPid, ...all.map((p) => p.pid)], 15_000);
    expect(await demo.exited).toBe(129);
    expect(demo.stderr()).toMatch(/SIGHUP: stopping the demo/);
    expect(fs.readFileSync(path.join(stateDir, 'watchdog.log'), 'utf8')).toMatch(/the demo stopped everything itself/);
  }, 240_000);

  it('kill -9 of the demo process: its watchdog stops everything at once', async () => {
    const demo = startDemo();
    await whenReady(demo);
    const { demoPid, all } = processesOf();
    expect(all.length).toBeGreaterThanOrEqual(8);
    signalProcess(demoPid, 'SIGKILL');
    await expectAllGone(
      all.map((p) => p.pid),
      15_000,
    );
    expect(fs.readFileSync(path.join(stateDir, 'watchdog.log'), 'utf8')).toMatch(/the demo is gone: stopped \d+ process\(es\)/);
    await demo.exited;
  }, 240_000);

  it('a run killed with its watchdog is cleaned by the next start; a second start meanwhile is refused', async () => {
    const first = startDemo();
    await whenReady(first);
    const { demoPid, all } = processesOf();

    const second = startDemo();
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toMatch(new RegExp(`a demo is already running from this checkout \\(pid ${demoPid}`));
    expect(all.every((p) => isProcessAlive(p.pid))).toBe(true);

    const watchdog = all.find((p) => p.cmdline.includes('watchdog-main'));
    signalProcess(watchdog?.pid ?? 0, 'SIGKILL');
    await waitUntil(() => !isProcessAlive(watchdog?.pid ?? 0), { timeoutMs: 5000, description: 'the watchdog to die' });
    signalProcess(demoPid, 'SIGKILL');
    await first.exited;
    await sleep(1000);
    const left = all.filter((p) => p.pid !== watchdog?.pid && isProcessAlive(p.pid));
    expect(left.length).toBeGreaterThanOrEqual(7); // redis-server, 3 sshd, 3 SRS: nobody stopped them

    const third = startDemo();
    await whenReady(third);
    expect(third.stderr()).toMatch(/stopped \d+ process\(es\) an earlier demo left running/);
    expect(left.filter((p) => isProcessAlive(p.pid))).toEqual([]);

    const now = processesOf();
    signalProcess(third.child.pid ?? 0, 'SIGTERM');
    await expectAllGone([now.demoPid, ...now.all.map((p) => p.pid)], 15_000);
    expect(await third.exited).toBe(143);
  }, 360_000);
});
