import type { GraceMilestone, GraceProgress } from '../../../../src/core/grace/grace-progress';
import { parseConfig } from '../../../../config/load-config';
import type { ExecResult, HostHttpResponse, HostPort, HostTarget, RemoteCommand } from '../../../../src/ports/host-port';
import type { GraceCheckpoint, GraceJob } from '../../../../src/ports/grace-job-port';
import { runGrace } from '../../../../src/worker/grace/run-grace';
import { clockedHostContext } from '../../../support/clocked-host-context';

/** A simulated SRS draining 60 clients, one a minute, on a simulated clock: an hour-long drain in milliseconds. */
class HourLongDrain implements HostPort {
  t = 1_700_000_000_000;
  private readonly signalAt: number;
  private logged = '';
  execs = 0;
  constructor() {
    this.signalAt = this.t;
  }
  private clients(): number {
    return Math.max(0, 60 - Math.floor((this.t - this.signalAt) / 60000));
  }
  private line(msg: string): void {
    this.logged += `[2026-11-26 00:00:00.000][INFO][42][c] ${msg}\n`;
  }
  exec(_t: HostTarget, c: RemoteCommand): Promise<ExecResult> {
    this.execs += 1;
    const name = c.argv[3];
    const ok = (stdout: string): Promise<ExecResult> =>
      Promise.resolve({ code: 0, stdout, stderr: '', durationMs: 1, timedOut: false, connectionLost: false });
    if (name === 'srs-grace-settings') return ok('conf_start_wait=2300\nconf_final_wait=3200\nconf_force=off\ngrace=done\n');
    if (name === 'srs-initd') {
      this.line('sig=3, user start gracefully quit');
      return ok('Gracefully quit for SRS(pid 42)...[  OK  ]\nGracefully quit[  OK  ]\n');
    }
    if (name === 'srs-follow') {
      const n = this.clients();
      const since = this.t - this.signalAt;
      if (since > 2300 && !this.logged.includes('listeners closed')) this.line('listeners closed');
      if (n === 0 && !this.logged.includes('wait for 0 conns')) this.line('wait for 0 conns to quit');
      const gone = n === 0 && since > 3600_000 + 10_000;
      if (gone && !this.logged.includes('srs terminated')) this.line('srs terminated');
      const offset = Number(c.argv[7]);
      const body = this.logged.slice(offset);
      return ok(
        `proc_state=${gone ? 'gone' : 'S'}\nestablished=${n}\n${gone ? '' : 'listen=127.0.0.1:1935\n'}log_stat=1 ${this.logged.length}\n---\n${body}`,
      );
    }
    return ok('');
  }
  httpGet(): Promise<HostHttpResponse> {
    return Promise.reject(new Error('API closed during the drain'));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('an hour-long drain', () => {
  it('stays bounded: a progress event at most every 2 s, a handful of thread milestones, a small checkpoint', async () => {
    const host = new HourLongDrain();
    const config = parseConfig(
      {
        ssh: { user: 'u', privateKeyPath: '/k', knownHostsPath: '/kh' },
        hosts: [{ name: 'edge-1', address: '127.0.0.1' }],
        grace: { deadlineMs: 30 * 60_000, pollMs: 1000 },
      },
      't',
    );
    const progress: GraceProgress[] = [];
    const milestones: GraceMilestone[] = [];
    let deadlines = 0;
    let checkpoint: GraceCheckpoint | undefined;
    let maxCheckpoint = 0;
    const job: GraceJob = {
      requestId: 'r',
      jobId: 'j',
      options: {},
      config: config.grace,
      autoEscalate: false,
      preflight: () => Promise.resolve(),
      progress: (p) => {
        progress.push(structuredClone(p));
        return Promise.resolve();
      },
      milestone: (_p, m) => {
        milestones.push(m);
        return Promise.resolve();
      },
      deadline: () => {
        deadlines += 1;
        return Promise.resolve();
      },
      loadCheckpoint: () => Promise.resolve(checkpoint),
      saveCheckpoint: (c) => {
        checkpoint = structuredClone(c);
        maxCheckpoint = Math.max(maxCheckpoint, JSON.stringify(c).length);
        return Promise.resolve();
      },
      nextDecision: () => Promise.resolve(undefined),
    };
    const ctx = clockedHostContext(config, host, job);
    const before = {
      snapshot: { state: 'running' as const, pid: 42, apiUp: true, version: '6.0.184', clients: 60, publishers: 1, serviceId: 's1' },
      probe: { state: 'running' as const, pid: 42, listening: [1935], errors: [], log: { inode: '1', size: 0 }, logFile: './objs/srs.log' },
    };
    const heapBefore = process.memoryUsage().heapUsed;
    const run = await runGrace(ctx, job, before);
    expect(run.outcome).toBe('ok');
    expect(run.summary).toMatch(/drained and exited 36\d\d(\.\d)?s after SIGQUIT/);
    // ~3,600 s followed at one look a second: one exec per look, no more.
    expect(host.execs).toBeGreaterThan(3500);
    expect(host.execs).toBeLessThan(3700);
    // Progress coalesced to one event per 2 s at most (the bot coalesces edits again per message).
    expect(progress.length).toBeLessThanOrEqual(1850);
    for (let i = 1; i < progress.length; i++) {
      const gap = (progress[i]?.samples.at(-1)?.[0] ?? 0) - (progress[i - 1]?.samples.at(-1)?.[0] ?? 0);
      expect(gap === 0 || gap >= 1000).toBe(true);
    }
    // Thread replies: the milestones only, plus one deadline question.
    expect(milestones).toEqual(['listeners_closed', 'deadline', 'drained', 'exited']);
    expect(deadlines).toBe(1);
    // Bounded state: a few samples for the trend, a checkpoint of a couple of KB, and no heap growth to speak of.
    expect(run.progress.samples.length).toBeLessThanOrEqual(6);
    expect(maxCheckpoint).toBeLessThan(3000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(60 * 1024 * 1024);
    // The count the board shows falls from 60 to 0 and never goes back up.
    const counts = progress.map((p) => p.clients).filter((c): c is number => c !== undefined);
    expect(counts[0]).toBe(60);
    expect(counts.at(-1)).toBe(0);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1] ?? 0);
  });
});
