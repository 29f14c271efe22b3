import fs from 'node:fs';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/adapters/logger';
import { keys } from '../../src/adapters/redis/keys';
import { redisJobState } from '../../src/adapters/redis/redis-job-state';
import type { AuditPort } from '../../src/ports/audit-port';
import type { HostJob, JobEvent, JobOptions, RollingJobOptions } from '../../src/ports/job-queue-port';
import type { VerbResult } from '../../src/core/verb-result';
import type { JobVerb } from '../../src/core/verbs';
import { runHostJob } from '../../src/worker/run-host-job';
import type { FleetHost } from '../support/fleet';
import { redisUrlForDb } from '../support/queue-harness';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { pidAlive, workerHarness, type WorkerHarness } from '../support/worker-harness';
import { connectClient, reconnectingClient, type ClientHandle, type ReconnectingClient } from '../srs-sim/media-client';

const DB = 47;
const pidOf = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());

/**
 * One host's step of a rolling service verb through the worker's own job runner (runHostJob, with the Redis job state
 * the worker uses) on the simulator fleet over real sshd: the health gate after the verb, `abort --now`, and the drain
 * count of a graceful restart.
 */
describe('a rolling service verb step (real sshd, simulator, Redis)', () => {
  let hosts: FleetHost[];
  let w: WorkerHarness;
  let redis: Redis;
  let events: JobEvent[];
  let clients: Array<{ close(): Promise<void> } | ReconnectingClient> = [];
  let n = 0;
  const name = (i: number) => `roll-${i + 1}`;

  beforeAll(async () => {
    hosts = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
    w = workerHarness(hosts, {
      rename: Object.fromEntries(hosts.map((h, i) => [h.name, name(i)])),
      extra: { grace: { deadlineMs: 60000, pollMs: 300, killMarginMs: 1000 } },
    });
    redis = new Redis(redisUrlForDb(DB));
    await redis.flushdb();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => ('stop' in c ? c.stop() : c.close())));
    await redis.flushdb();
    redis.disconnect();
    await w.close();
    releaseHosts(hosts);
  });
  beforeEach(async () => {
    await Promise.all(clients.map((c) => ('stop' in c ? c.stop() : c.close())));
    clients = [];
    events = [];
    w.sent.length = 0;
    await Promise.all(hosts.map((h) => getTestRun().fleet.resetHost(h.name)));
  });

  const audit = { append: () => Promise.reject(new Error('not audited here')), query: () => Promise.resolve([]) } as unknown as AuditPort;
  const rolling = (over: Partial<RollingJobOptions> = {}): RollingJobOptions => ({
    planHash: 'b'.repeat(64),
    healthTimeoutMs: 4000,
    forceAtDeadline: false,
    ...over,
  });
  /** Runs one job as the worker does, with its events kept. */
  async function run(i: number, verb: JobVerb, options: JobOptions, requestId = `r-roll-${++n}`): Promise<VerbResult> {
    const state = redisJobState({
      redis,
      events: { publish: (e) => Promise.resolve(void events.push(e)) },
      config: w.config,
      workerId: 'w-test',
      audit,
    });
    const host = w.config.hosts.find((h) => h.name === name(i));
    if (!host) throw new Error(name(i));
    const job: HostJob = {
      v: 1,
      jobId: `j-roll-${++n}`,
      requestId,
      host: host.name,
      verb,
      requestedBy: 'U0OPER001',
      enqueuedAt: Date.now(),
      options,
    };
    return runHostJob({ config: w.config, ssh: w.ssh, logger: createLogger('test'), state }, job, host, []);
  }
  const stages = () => events.flatMap((e) => (e.type === 'upgrade.stage' ? [e.stage] : []));
  const publisher = (h: FleetHost, reconnect: boolean) => {
    const opts = { port: h.ports.rtmp, kind: 'publish' as const, stream: 'live/cam' };
    if (reconnect) {
      const p = reconnectingClient({ ...opts, reconnectMs: 300 });
      clients.push(p);
      return p.waitConnected(10000);
    }
    return connectClient(opts).then((c) => (clients.push(c), c));
  };
  const viewer = async (h: FleetHost, leaveAfterMs?: number): Promise<ClientHandle> => {
    const c = await connectClient({
      port: h.ports.rtmp,
      kind: 'play',
      stream: 'live/cam',
      ...(leaveAfterMs !== undefined ? { leaveAfterMs } : {}),
    });
    clients.push(c);
    return c;
  };

  it('a rolling restart passes the health gate: new process, same version, its encoder back', async () => {
    const h = hosts[0] as FleetHost;
    const old = pidOf(h);
    await publisher(h, true);
    const r = await run(0, 'restart', { rolling: rolling() });
    expect(r.outcome).toBe('ok');
    expect(r.summary).toMatch(/; health gate passed: serves 6\.0\.184 \(pid \d+\), published streams 1 of 1 back$/);
    expect(stages()).toEqual(['running', 'verifying']);
    expect(pidOf(h)).not.toBe(old);
    expect(pidAlive(pidOf(h))).toBe(true);
    expect(r.after).toMatchObject({ state: 'running', version: '6.0.184', publishers: 1 });
  }, 90000);

  it('a restart whose encoder does not come back fails the gate: failed/health_gate, with what the host is now', async () => {
    const h = hosts[1] as FleetHost;
    await publisher(h, false);
    const r = await run(1, 'restart', { rolling: rolling({ healthTimeoutMs: 2000 }) });
    expect(r.outcome).toBe('failed');
    expect(r.errorCode).toBe('health_gate');
    expect(r.summary).toMatch(
      /^restart done, but roll-2 FAILED the health gate \(streams_not_recovered\): published streams 0 of 1 after 2s .*; now running \(pid \d+\)/,
    );
    expect(r.evidence).toContain('health gate failed: streams_not_recovered');
    expect(stages()).toEqual(['running', 'verifying']);
  }, 90000);

  it('SRS that dies while the gate looks fails it: process_dead', async () => {
    const h = hosts[2] as FleetHost;
    // An encoder that does not come back keeps the gate looking; SRS is killed (a crash) while it does.
    await publisher(h, false);
    const running = run(2, 'restart', { rolling: rolling({ healthTimeoutMs: 15000 }) });
    await waitFor(() => stages().includes('verifying'), 30000);
    await getTestRun().fleet.killSrs(h.name);
    const r = await running;
    expect(r.outcome).toBe('failed');
    expect(r.errorCode).toBe('health_gate');
    expect(r.summary).toMatch(/^restart done, but roll-3 FAILED the health gate \(process_dead\): SRS is not running after the restart/);
    expect(r.after.state).not.toBe('running');
  }, 90000);

  it('abort --now before the step: refused/aborted, nothing sent to the host', async () => {
    const h = hosts[0] as FleetHost;
    const old = pidOf(h);
    const requestId = `r-roll-abort-${++n}`;
    await redis.set(keys.rolloutStopNow(requestId), 'U0OPER001', 'EX', 60);
    const r = await run(0, 'restart', { rolling: rolling() }, requestId);
    expect(r.outcome).toBe('refused');
    expect(r.errorCode).toBe('aborted');
    expect(r.summary).toBe("`restart` not run: the rollout was aborted by U0OPER001 before roll-1's step; nothing was sent");
    expect(stages()).toEqual([]);
    // Only the read-only probe went out: no service command.
    expect(w.sent.filter((s) => /init\.d|systemctl|srs-kill|restart|grace/.test(s.line))).toEqual([]);
    expect(pidOf(h)).toBe(old);
  }, 30000);

  it('a rolling graceful restart whose viewers all leave: forcedOff 0, drained = atStart', async () => {
    const h = hosts[0] as FleetHost;
    await Promise.all([viewer(h, 3000), viewer(h, 3500), viewer(h, 4000)]);
    const r = await run(0, 'restart', { graceful: true, rolling: rolling({ forceAtDeadline: true }) });
    expect(r.outcome).toBe('ok');
    // No encoder here: SRS never closes a connection while it drains, and an encoder does not leave by itself (it
    // would be forced off at the deadline, and counted: publishers are media clients).
    expect(r.drain).toEqual({ atStart: 3, drained: 3, forcedOff: 0, dropped: 0, deadlineHit: false });
    expect(r.summary).toMatch(/health gate passed/);
  }, 90000);

  it('one stuck viewer with a short deadline and forceAtDeadline: exactly 1 forced off, deadline hit', async () => {
    const h = hosts[1] as FleetHost;
    await Promise.all([viewer(h, 2500), viewer(h)]);
    const r = await run(1, 'restart', { graceful: true, deadlineMs: 5000, rolling: rolling({ forceAtDeadline: true }) });
    expect(r.outcome).toBe('ok');
    expect(r.drain).toEqual({ atStart: 2, drained: 1, forcedOff: 1, dropped: 0, deadlineHit: true });
    expect(r.evidence.join('\n')).toMatch(/force quit: SIGINT by automatic escalation \(the rolling plan\)/);
  }, 90000);

  it('a plain (not rolling) grace reports its drain count too', async () => {
    const h = hosts[2] as FleetHost;
    await viewer(h, 2500);
    const r = await run(2, 'grace', {});
    expect(r.outcome).toBe('ok');
    expect(r.drain).toEqual({ atStart: 1, drained: 1, forcedOff: 0, dropped: 0, deadlineHit: false });
  }, 90000);
});

async function waitFor(ok: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
