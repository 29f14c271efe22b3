import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FleetHost } from '../support/fleet';
import { redisUrlForDb, startWorkers } from '../support/queue-harness';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { workerHarness } from '../support/worker-harness';

const DB = 4;
const CLI = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'console'];
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Runs `srs-chatops console` as a real process, feeding it lines on stdin; resolves with its output and exit code. */
function runConsole(env: NodeJS.ProcessEnv, lines: string[], args: string[] = []): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(CLI[0] ?? '', [...CLI.slice(1), ...args], {
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

/** A running process and what it wrote so far; `waitFor` resolves once the output matches. */
interface Driven {
  child: ChildProcess;
  output: () => string;
  type: (keys: string) => void;
  waitFor: (pattern: RegExp, ms?: number) => Promise<void>;
  exited: Promise<number | null>;
}

function drive(child: ChildProcess): Driven {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    type: (keys) => void child.stdin?.write(keys),
    waitFor: async (pattern, ms = 30000) => {
      const deadline = Date.now() + ms;
      while (!pattern.test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; output so far:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    exited,
  };
}

/** The console in a real pseudo-terminal (util-linux `script`), 100x30; keys typed as a terminal sends them. */
function onTerminal(env: NodeJS.ProcessEnv): Driven {
  const command = `stty cols 100 rows 30; exec ${CLI.map((a) => `'${a}'`).join(' ')}`;
  return drive(
    spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, ...env, LOG_LEVEL: 'silent', TERM: 'xterm-256color' },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
}

/** Resolves with the exit code, or rejects if the process is still running after `ms`. */
function exitsWithin(d: Driven, ms: number): Promise<number | null> {
  return Promise.race([
    d.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still running after ${ms} ms; output:\n${d.output()}`)), ms).unref(),
    ),
  ]);
}

describe('srs-chatops console', () => {
  let hosts: FleetHost[];
  let dir: string;
  let configPath: string;
  let env: NodeJS.ProcessEnv;
  let h: ReturnType<typeof workerHarness>;
  let workers: ReturnType<typeof startWorkers>;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    hosts = await claimHosts(2, { serviceManager: 'initd', version: '6.0.184' });
    const rename = { [hosts[0]?.name ?? '']: 'edge-1', [hosts[1]?.name ?? '']: 'edge-2' };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-'));
    configPath = path.join(dir, 'srs-chatops.yml');
    fs.writeFileSync(
      configPath,
      getTestRun().fleet.toConfigYaml({
        hostNames: hosts.map((x) => x.name),
        rename,
        hostExtra: Object.fromEntries(hosts.map((x) => [x.name, { groups: ['edges'] }])),
        extra: { slack: { roles: { admin: ['U0ADMIN01'], viewer: ['U0VIEW001'] } } },
      }),
    );
    // HOME: the history goes to this run's ~/.local/state, not the user's.
    env = { SRS_CHATOPS_CONFIG: configPath, REDIS_URL: redisUrlForDb(DB), HOME: dir };
    h = workerHarness(hosts, { rename });
  });

  afterAll(async () => {
    for (const child of running) {
      if (child.exitCode === null) child.kill('SIGKILL');
      child.stdin?.destroy();
    }
    await h.close();
    releaseHosts(hosts);
  });

  describe('with a worker', () => {
    // Closed before the last test (no worker needed there): the harness's close leaves a 5 s timer behind.
    beforeAll(() => {
      workers = startWorkers(h, redisUrlForDb(DB), 1);
    });

    afterAll(() => workers.close());

    describe('driven through a pipe', () => {
      it('runs the same use cases: help, hosts, a verb with its thread shown indented and its edits as changed lines, and a denial', async () => {
        const { out, code } = await runConsole(env, ['help', 'hosts', '/srs status edges', 'status edge-9']);
        expect(code).toBe(0);
        expect(out).toMatch(/you are U0ADMIN01/);
        expect(out).toMatch(/\/srs restart/);
        expect(out).toMatch(/edge-1 .*127\.0\.0\.1/);
        expect(out).toMatch(/\(only you\) Queued status on 2 hosts/);
        expect(out).toMatch(/\[#1\] .*asked for status on edge-1, edge-2 \(2 hosts\): queued/);
        expect(out).toMatch(/ {4}↳ \(thread #1\) ✅ edge-1 status ok: running \(pid \d+\)/);
        expect(out).toMatch(/ {4}↳ \(thread #1\) ✅ edge-2 status ok: running \(pid \d+\)/);
        expect(out).toMatch(/\[#1 edited\] ✅ .*done: 2 ok/);
        expect(out).toMatch(/unknown host edge-9/);
        // Plain text on a pipe: no escape sequences, no Slack markup left.
        expect(out).not.toMatch(/\x1b|:white_check_mark:|```|&lt;|<@U/); // eslint-disable-line no-control-regex
        // An edit shows only what changed: the message's other lines are not printed again.
        expect(out.match(/asked for status/g)?.length).toBeLessThanOrEqual(3);
        const denied = await runConsole(env, ['stop edge-1'], ['--user', 'U0VIEW001']);
        expect(denied.out).toMatch(/viewer/);
        expect(denied.out).not.toMatch(/Queued/);
      });

      it('leaves on `exit` although the pipe stays open, once the requests it started are done', async () => {
        const d = drive(
          spawn(CLI[0] ?? '', CLI.slice(1), { env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, stdio: ['pipe', 'pipe', 'pipe'] }),
        );
        running.push(d.child);
        d.type('status edge-1\nexit\nstatus edge-2\n');
        expect(await exitsWithin(d, 30000)).toBe(0);
        expect(d.output()).toMatch(/\[#1 edited\] ✅ .*done: 1 ok/);
        // Nothing after `exit` runs.
        expect(d.output()).not.toMatch(/asked for status on edge-2/);
      });
    });

    describe('in a terminal (a real pty)', () => {
      it('shows a srs> prompt, echoes what is typed, renders markup in ANSI, and exits on `exit`', async () => {
        const t = onTerminal(env);
        running.push(t.child);
        await t.waitFor(/srs> /);
        t.type('status edges\r');
        await t.waitFor(/done: 2 ok/);
        await t.waitFor(/srs> [^\n]*$/);
        t.type('exit\r');
        expect(await exitsWithin(t, 15000)).toBe(0);
        const out = t.output();
        const plain = out.replace(ANSI, '');
        expect(plain).toContain('srs> status edges'); // echoed as typed
        expect(plain).toContain('srs> exit');
        expect(out).toMatch(/asked for \x1b\[1mstatus\x1b\[22m on edge-1, edge-2/); // eslint-disable-line no-control-regex
        expect(out).toMatch(/✅ .*edge-1.* status ok/);
        expect(out).not.toMatch(/:white_check_mark:|:hourglass_flowing_sand:/);
        // The request's message is never printed whole again: an edit is redrawn in place or shown as the changed line.
        expect(plain.match(/\[#1\] /g)).toHaveLength(1);
        expect(plain.match(/request r-/g)?.length).toBeLessThanOrEqual(4);
      });

      it('keeps history across sessions (up arrow), clears a typed line on Ctrl-C, and exits on Ctrl-C at an empty prompt, and on Ctrl-D', async () => {
        const first = onTerminal(env);
        running.push(first.child);
        await first.waitFor(/srs> /);
        first.type('hosts\r');
        await first.waitFor(/edge-2 .*127\.0\.0\.1[\s\S]*srs> /);
        first.type('\x04'); // Ctrl-D
        expect(await exitsWithin(first, 15000)).toBe(0);
        expect(fs.readFileSync(path.join(dir, '.local/state/srs-chatops/console_history'), 'utf8')).toMatch(/^hosts$/m);

        const second = onTerminal(env);
        running.push(second.child);
        await second.waitFor(/srs> /);
        second.type('stop edge-1');
        second.type('\x03'); // Ctrl-C: the line is dropped, nothing runs
        second.type('\x1b[A'); // up: the last line of the history
        await second.waitFor(/srs> (\x1b\[[0-9;]*[A-Za-z])*hosts/); // eslint-disable-line no-control-regex
        second.type('\r');
        await second.waitFor(/\(only you\)[\s\S]*edge-2 .*127\.0\.0\.1[\s\S]*srs> /);
        second.type('\x03'); // Ctrl-C at an empty prompt
        expect(await exitsWithin(second, 15000)).toBe(0);
        expect(second.output()).not.toMatch(/Queued/);
      });
    });
  });

  describe('without Redis', () => {
    it('says clearly when Redis is down instead of hanging', async () => {
      const { out } = await runConsole({ ...env, REDIS_URL: 'redis://127.0.0.1:1' }, ['status edge-1']);
      expect(out).toMatch(/queue.*unavailable|Redis/i);
      expect(out).not.toMatch(/Queued/);
    }, 30000);
  });
});
