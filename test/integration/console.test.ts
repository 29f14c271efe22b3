import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FleetHost } from '../support/fleet';
import { redisUrlForDb, startWorkers } from '../support/queue-harness';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { workerHarness } from '../support/worker-harness';

const DB = 4;

/** Runs `srs-chatops console` as a real process, feeding it lines on stdin; resolves with its output and exit code. */
function runConsole(env: NodeJS.ProcessEnv, lines: string[], args: string[] = []): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'console', ...args], {
      env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ out, code }));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

describe('srs-chatops console, driven through stdin', () => {
  let hosts: FleetHost[];
  let configPath: string;

  beforeAll(async () => {
    hosts = await claimHosts(2, { serviceManager: 'initd', version: '6.0.184' });
    const rename = { [hosts[0]?.name ?? '']: 'edge-1', [hosts[1]?.name ?? '']: 'edge-2' };
    configPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'console-')), 'srs-chatops.yml');
    fs.writeFileSync(
      configPath,
      getTestRun().fleet.toConfigYaml({
        hostNames: hosts.map((h) => h.name),
        rename,
        hostExtra: Object.fromEntries(hosts.map((h) => [h.name, { groups: ['edges'] }])),
        extra: { slack: { roles: { admin: ['U0ADMIN01'], viewer: ['U0VIEW001'] } } },
      }),
    );
  });

  afterAll(() => releaseHosts(hosts));

  it('runs the same use cases: help, hosts, a verb with its thread shown indented, and a denial', async () => {
    const h = workerHarness(hosts, { rename: { [hosts[0]?.name ?? '']: 'edge-1', [hosts[1]?.name ?? '']: 'edge-2' } });
    const workers = startWorkers(h, redisUrlForDb(DB), 1);
    try {
      const env = { SRS_CHATOPS_CONFIG: configPath, REDIS_URL: redisUrlForDb(DB) };
      const { out, code } = await runConsole(env, ['help', 'hosts', '/srs status edges', 'status edge-9']);
      expect(code).toBe(0);
      expect(out).toMatch(/you are U0ADMIN01/);
      expect(out).toMatch(/\/srs restart/);
      expect(out).toMatch(/edge-1 .*127\.0\.0\.1/);
      expect(out).toMatch(/\(only you\) Queued `?status`? on 2 hosts/);
      expect(out).toMatch(/\[#1\] .*asked for \*?status\*? on edge-1, edge-2 \(2 hosts\): queued/);
      expect(out).toMatch(/ {4}↳ \(thread #1\) .*edge-1.* status ok: running \(pid \d+\)/);
      expect(out).toMatch(/ {4}↳ \(thread #1\) .*edge-2.* status ok: running \(pid \d+\)/);
      expect(out).toMatch(/\[#1 edited\] .*done: 2 ok/);
      expect(out).toMatch(/unknown host `?edge-9`?/);
      const denied = await runConsole(env, ['stop edge-1'], ['--user', 'U0VIEW001']);
      expect(denied.out).toMatch(/viewer/);
      expect(denied.out).not.toMatch(/Queued/);
    } finally {
      await workers.close();
      await h.close();
    }
  });

  it('says clearly when Redis is down instead of hanging', async () => {
    const { out } = await runConsole({ SRS_CHATOPS_CONFIG: configPath, REDIS_URL: 'redis://127.0.0.1:1' }, ['status edge-1']);
    expect(out).toMatch(/queue.*unavailable|Redis/i);
    expect(out).not.toMatch(/Queued/);
  }, 30000);
});
