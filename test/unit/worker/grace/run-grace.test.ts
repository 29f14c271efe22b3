import { parseConfig } from '../../../../config/load-config';
import type { GraceDecision } from '../../../../src/core/grace/grace-actions';
import type { GraceMilestone, GraceProgress } from '../../../../src/core/grace/grace-progress';
import { renderGraceConfirm, renderGraceLine, renderGraceMilestone, renderGracePreflight } from '../../../../src/presentation';
import type { HostSnapshot } from '../../../../src/core/verb-result';
import type { ExecResult, HostHttpResponse, HostPort, RemoteCommand } from '../../../../src/ports/host-port';
import { parseSignalSent } from '../../../../src/worker/grace/follow-tick';
import type { GraceCheckpoint, GraceJob } from '../../../../src/ports/grace-job-port';
import { runGrace } from '../../../../src/worker/grace/run-grace';
import { clockedHostContext } from '../../../support/clocked-host-context';

/** One look at the host, as the follow script prints it. */
interface Look {
  state: 'S' | 'Z' | 'gone';
  established: number;
  listening: boolean;
  log?: string[];
}

/**
 * A host whose looks are scripted (what real SRS showed): each follow tick takes the next look (the last repeats);
 * the kill script answers `established=N` / `sent=SIG` with the connections of the current look.
 */
class ScriptedHost implements HostPort {
  t = 1_700_000_000_000;
  private logged = '';
  private next = 0;
  kills: string[] = [];
  constructor(private readonly looks: Look[]) {}
  private current(): Look {
    const look = this.looks[Math.min(this.next, this.looks.length - 1)];
    if (!look) throw new Error('no looks');
    return look;
  }
  exec(_t: unknown, c: RemoteCommand): Promise<ExecResult> {
    const ok = (stdout: string): Promise<ExecResult> =>
      Promise.resolve({ code: 0, stdout, stderr: '', durationMs: 1, timedOut: false, connectionLost: false });
    const name = c.argv[3];
    if (name === 'srs-grace-settings') return ok('conf_start_wait=300\nconf_final_wait=300\nconf_force=off\ngrace=done\n');
    if (name === 'srs-initd') return ok('Gracefully quit for SRS(pid 42)...[  OK  ]\nGracefully quit[  OK  ]\n');
    if (name === 'srs-kill') {
      const signal = c.argv[6] ?? '?';
      this.kills.push(signal);
      const look = this.current();
      return ok(look.state === 'S' ? `established=${look.established}\nsent=${signal}\n` : 'refused=gone\n');
    }
    if (name === 'srs-follow') {
      const look = this.current();
      this.next += 1;
      for (const l of look.log ?? []) this.logged += `[2026-12-07 00:00:00.000][INFO][42][c] ${l}\n`;
      const body = this.logged.slice(Number(c.argv[7]));
      const listen = look.listening ? 'listen=0.0.0.0:1935\nlisten=0.0.0.0:8080\n' : '';
      return ok(`established=${look.established}\n${listen}proc_state=${look.state}\nlog_stat=1 ${this.logged.length}\n---\n${body}`);
    }
    return ok('');
  }
  httpGet(): Promise<HostHttpResponse> {
    return Promise.reject(new Error('API closed'));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

interface Seen {
  milestones: Array<{ m: GraceMilestone; detail?: string; p: GraceProgress }>;
  preflight?: GraceProgress;
}

async function quit(
  host: ScriptedHost,
  snapshot: HostSnapshot,
  opts: { confirmed?: boolean; decide?: (n: number) => GraceDecision | undefined } = {},
) {
  const config = parseConfig(
    {
      ssh: { user: 'u', privateKeyPath: '/k', knownHostsPath: '/kh' },
      hosts: [{ name: 'edge-1', address: '127.0.0.1' }],
      grace: { pollMs: 500, killMarginMs: 1000 },
    },
    't',
  );
  const seen: Seen = { milestones: [] };
  let checkpoint: GraceCheckpoint | undefined;
  let looks = 0;
  const job: GraceJob = {
    requestId: 'r',
    jobId: 'j',
    options: opts.confirmed ? { confirmed: true } : {},
    config: config.grace,
    autoEscalate: false,
    preflight: (p) => {
      seen.preflight = structuredClone(p);
      return Promise.resolve();
    },
    progress: () => Promise.resolve(),
    milestone: (p, m, detail) => {
      seen.milestones.push({ m, p: structuredClone(p), ...(detail !== undefined ? { detail } : {}) });
      return Promise.resolve();
    },
    deadline: () => Promise.resolve(),
    loadCheckpoint: () => Promise.resolve(checkpoint),
    saveCheckpoint: (c) => {
      checkpoint = structuredClone(c);
      return Promise.resolve();
    },
    nextDecision: () => {
      const d = opts.decide?.(looks++);
      return Promise.resolve(d ? { decision: d, by: 'U0OPER001' } : undefined);
    },
  };
  const ctx = clockedHostContext(config, host, job);
  const probe = {
    state: 'running' as const,
    pid: 42,
    listening: [1935, 8080],
    listeners: [],
    srsListening: [1935, 8080],
    holders: [],
    errors: [],
    log: { inode: '1', size: 0 },
    logFile: './objs/srs.log',
  };
  const run = await runGrace(ctx, job, { snapshot, probe });
  return { run, seen };
}

const v5: HostSnapshot = { state: 'running', pid: 42, apiUp: true, version: '5.0.216', serviceId: 's1', clients: 2, publishers: 1 };
const v6: HostSnapshot = { ...v5, version: '6.0.157' };
const QUIT_5 = ['sig=3, user start gracefully quit', 'cleanup for quit signal fast=0, grace=1', 'quit for thread #2(hybrid) finished'];

describe('what a graceful quit reports, as real SRS behaves', () => {
  it('SRS 5.0 unconfirmed: nothing is sent, and the warning names the players and publishers connected now', async () => {
    const host = new ScriptedHost([{ state: 'S', established: 3, listening: true }]);
    const { run } = await quit(host, v5);
    expect(run.outcome).toBe('refused');
    expect(run.summary).toBe(
      'SRS 5.0.216 does not drain: after SIGQUIT it exits within about 2 s and drops every client connected then (now: 2 players, 1 publisher). Nothing was sent; confirm with the button to quit anyway.',
    );
    expect(
      renderGraceConfirm('edge-1', { version: '5.0.216', clients: 2, publishers: 1 }, { requestId: 'r', jobId: 'j', host: 'edge-1' }).text,
    ).toContain('(now: 2 players, 1 publisher). Nothing was sent.');
  });

  it('SRS 5.0 confirmed: "quit without draining", with the clients dropped at the exit counted on the host', async () => {
    // Observed on 5.0.216: every socket and listener stays until the process exits, then all at once.
    const host = new ScriptedHost([
      { state: 'S', established: 3, listening: true, log: QUIT_5 },
      { state: 'S', established: 3, listening: true },
      { state: 'Z', established: 0, listening: false },
    ]);
    const { run, seen } = await quit(host, v5, { confirmed: true });
    expect(run.outcome).toBe('ok');
    expect(run.summary).toMatch(/^SRS 5\.0\.216 quit without draining: 3 clients dropped when it exited [\d.]+s after SIGQUIT$/);
    expect(seen.milestones.map((x) => x.m)).toEqual(['exited']);
    expect(seen.milestones[0]?.detail).toBe('3 clients dropped at exit: no drain; pid 42 is a zombie until its parent reaps it');
    expect(renderGracePreflight(seen.preflight as GraceProgress, 600000).text).toMatch(
      /pre-flight: SRS 5\.0\.216 \(pid 42\), 2 players, 1 publisher connected now \(API\); this version does not drain: every client is dropped when it exits, within about 2 s of SIGQUIT \(confirmed\); deadline 10m 0s\./,
    );
    const exited = seen.milestones[0];
    expect(renderGraceMilestone(exited?.p as GraceProgress, 'exited', host.t, exited?.detail).text).not.toMatch(/not a zombie/);
    expect(renderGraceLine(run.progress, host.t)).toMatch(
      /exited after \d+s: process ended, media ports closed; 3 clients dropped \(no drain\)/,
    );
  });

  it('a 6.0 drain that ends: "drained", and the drained milestone carries the count of the same look', async () => {
    const host = new ScriptedHost([
      { state: 'S', established: 2, listening: true, log: ['sig=3, user start gracefully quit'] },
      { state: 'S', established: 2, listening: false, log: ['start wait for 300ms', 'listeners closed', 'wait for 2 conns to quit'] },
      { state: 'S', established: 1, listening: false, log: ['wait for 1 conns to quit'] },
      { state: 'S', established: 0, listening: false, log: ['wait for 0 conns to quit', 'source disposed'] },
      { state: 'gone', established: 0, listening: false, log: ['final wait for 300ms', 'srs gracefully quit', 'srs terminated'] },
    ]);
    const { run, seen } = await quit(host, { ...v6, clients: 2, publishers: 0 });
    expect(run.summary).toMatch(/^drained and exited [\d.]+s after SIGQUIT$/);
    const drained = seen.milestones.find((x) => x.m === 'drained');
    expect(drained?.p).toMatchObject({ clients: 0, stage: 'final_wait' });
    expect(renderGraceLine(drained?.p as GraceProgress, host.t)).toMatch(
      /drained: every client left; final wait \(grace_final_wait 300 ms\)/,
    );
    expect(seen.milestones.map((x) => x.m)).toEqual(['listeners_closed', 'drained', 'exited']);
  });

  it('force quit: the clients forced off are counted by the command that sends SIGINT', async () => {
    const host = new ScriptedHost([
      { state: 'S', established: 2, listening: true, log: ['sig=3, user start gracefully quit'] },
      { state: 'S', established: 2, listening: false, log: ['listeners closed', 'wait for 2 conns to quit'] },
      { state: 'S', established: 2, listening: false },
      { state: 'Z', established: 0, listening: false, log: ['sig=2, user terminate program, fast quit'] },
    ]);
    const { run, seen } = await quit(host, v6, { decide: (n) => (n === 2 ? 'force' : undefined) });
    expect(host.kills).toEqual(['INT']);
    expect(run.summary).toMatch(/^exited after a force quit \(SIGINT at \d+s by U0OPER001\): 2 clients forced off, [\d.]+s after SIGQUIT$/);
    expect(run.progress.forcedOff).toBe(2);
    expect(seen.milestones.find((x) => x.m === 'escalated')).toMatchObject({ detail: 'SIGINT sent by U0OPER001', p: { forcedOff: 2 } });
    expect(seen.milestones.find((x) => x.m === 'exited')?.detail).toMatch(/^2 clients forced off; pid 42 is a zombie/);
  });

  it('SIGKILL after SIGINT: counted too', async () => {
    const host = new ScriptedHost([
      { state: 'S', established: 1, listening: true, log: ['sig=3, user start gracefully quit', 'listeners closed'] },
      { state: 'S', established: 1, listening: false },
      { state: 'S', established: 1, listening: false },
      { state: 'S', established: 1, listening: false },
      { state: 'S', established: 1, listening: false },
      { state: 'S', established: 1, listening: false },
      { state: 'S', established: 1, listening: false },
      { state: 'gone', established: 0, listening: false },
    ]);
    const { run, seen } = await quit(host, v6, { decide: (n) => (n === 1 ? 'force' : undefined) });
    expect(host.kills).toEqual(['INT', 'KILL']);
    expect(run.summary).toMatch(
      /^exited after a force quit \(SIGINT at \d+s by U0OPER001, SIGKILL at \d+s \(alive 1300 ms after SIGINT\)\): 1 client forced off/,
    );
    expect(seen.milestones.filter((x) => x.m === 'escalated').map((x) => x.detail)).toEqual([
      'SIGINT sent by U0OPER001',
      'SIGKILL: still alive after SIGINT',
    ]);
    expect(run.evidence.join('\n')).toMatch(/SIGKILL: still alive after grace_final_wait \+ margin \(sent=KILL; 1 client forced off\)/);
  });

  it('reads the kill script: a count only when the signal was sent', () => {
    expect(parseSignalSent('established=3\nsent=INT\n', 0)).toEqual({ said: 'sent=INT', sent: true, established: 3 });
    expect(parseSignalSent('refused=gone\n', 0)).toEqual({ said: 'refused=gone', sent: false });
    expect(parseSignalSent('', null)).toEqual({ said: 'exit ?', sent: false });
  });
});
