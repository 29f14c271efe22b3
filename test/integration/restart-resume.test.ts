import fs from 'node:fs';
import { runVerb } from '../../src/worker/verbs/run-verb';
import type { CheckpointState, VerbCheckpoint } from '../../src/ports/checkpoint-port';
import type { HostContext } from '../../src/worker/srs/host-context';
import type { GraceCheckpoint, GraceJob } from '../../src/ports/grace-job-port';
import type { FleetHost } from '../support/fleet';
import { claimHosts, releaseHosts } from '../support/test-run';
import { pidAlive, workerHarness, type WorkerHarness } from '../support/worker-harness';

/** The checkpoint a previous worker left, as the next worker (`worker`) reads it; what this run marks is kept too. */
function checkpoint(worker: string, earlier: CheckpointState | undefined): VerbCheckpoint & { state: () => CheckpointState | undefined } {
  let state = earlier === undefined ? undefined : structuredClone(earlier);
  return {
    worker,
    previous: () => Promise.resolve(earlier),
    mark: (action) => {
      state = { ...(state ?? { steps: [] }), steps: [...(state?.steps ?? []), { action, worker, at: Date.now() }] };
      return Promise.resolve();
    },
    noteProcess: (process) => {
      state = { ...(state ?? { steps: [] }), process };
      return Promise.resolve();
    },
    state: () => state,
  };
}

/** A graceful restart's job whose quit checkpoint outlives the worker (kept in `store`, as Redis keeps it). */
function graceJob(config: WorkerHarness['config'], store: { ck?: GraceCheckpoint }): GraceJob {
  return {
    requestId: 'r',
    jobId: 'j',
    options: { graceful: true },
    config: { ...config.grace, pollMs: 300 },
    autoEscalate: false,
    preflight: () => Promise.resolve(),
    progress: () => Promise.resolve(),
    milestone: () => Promise.resolve(),
    deadline: () => Promise.resolve(),
    loadCheckpoint: () => Promise.resolve(store.ck === undefined ? undefined : structuredClone(store.ck)),
    saveCheckpoint: (c) => {
      store.ck = structuredClone(c);
      return Promise.resolve();
    },
    nextDecision: () => Promise.resolve(undefined),
  };
}

const readPid = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());

describe('a restart taken over from a worker that stopped mid-way (init.d)', () => {
  let hosts: FleetHost[];
  let h: WorkerHarness;
  const sentActions = (host: FleetHost, from: number) =>
    h.sent
      .slice(from)
      .filter((s) => s.host === host.name && s.line.includes('srs-initd'))
      .map((s) => /'(\w+)'$/.exec(s.line)?.[1]);

  beforeAll(async () => {
    hosts = await claimHosts(4, { serviceManager: 'initd', version: '6.0.184' });
    h = workerHarness(hosts);
  });
  afterAll(async () => {
    await h.close();
    releaseHosts(hosts);
  });

  function ctx(host: FleetHost, ck: VerbCheckpoint, settings: Partial<HostContext['settings']> = {}): HostContext {
    const base = h.ctx(host.name);
    return { ...base, settings: { ...base.settings, ...settings }, checkpoint: ck };
  }

  it('stop done, start never sent: only start is sent, and the result says who finished it', async () => {
    const host = hosts[0] as FleetHost;
    const oldPid = readPid(host);
    const before = await runVerb(h.ctx(host.name), 'status');
    expect((await runVerb(h.ctx(host.name), 'stop')).outcome).toBe('ok'); // what w1 did before it died
    const from = h.sent.length;
    const ck = checkpoint('w2', {
      steps: [{ action: 'stop', worker: 'w1', at: Date.now() }],
      process: { pid: oldPid, ...(before.after.serviceId ? { serviceId: before.after.serviceId } : {}) },
    });
    const r = await runVerb(ctx(host, ck), 'restart');
    expect(r.outcome).toBe('ok');
    expect(r.summary).toMatch(
      new RegExp(
        `^restart finished by worker w2 after w1 stopped mid-way: stop done, start sent now; restarted: pid ${oldPid} → \\d+, running`,
      ),
    );
    expect(r.errorCode).toBeUndefined();
    expect(sentActions(host, from)).toEqual(['start']);
    expect(ck.state()?.steps.map((s) => s.action)).toEqual(['stop', 'start']);
    expect(pidAlive(readPid(host))).toBe(true);
  });

  it('stop and start both sent and SRS runs a new process: nothing is sent, the new process is confirmed', async () => {
    const host = hosts[1] as FleetHost;
    const before = await runVerb(h.ctx(host.name), 'status');
    const oldPid = before.after.pid;
    expect((await runVerb(h.ctx(host.name), 'restart')).outcome).toBe('ok'); // w1 got through both before it died
    const from = h.sent.length;
    const ck = checkpoint('w2', {
      steps: [
        { action: 'stop', worker: 'w1', at: 1 },
        { action: 'start', worker: 'w1', at: 2 },
      ],
      process: {
        ...(oldPid !== undefined ? { pid: oldPid } : {}),
        ...(before.after.serviceId ? { serviceId: before.after.serviceId } : {}),
      },
    });
    const r = await runVerb(ctx(host, ck), 'restart');
    expect(r.outcome).toBe('ok');
    expect(r.summary).toMatch(
      /^restart finished by worker w2 after w1 stopped mid-way: stop, start done, nothing left to send; restarted: pid \d+ → \d+, running/,
    );
    expect(sentActions(host, from)).toEqual([]);
  });

  it('graceful restart, quit and start both sent before the worker stopped: the quit is followed to its end, nothing is sent again', async () => {
    const host = hosts[3] as FleetHost;
    const oldPid = readPid(host);
    const store: { ck?: GraceCheckpoint } = {};
    const w1 = checkpoint('w1', undefined);
    const first = await runVerb({ ...ctx(host, w1), grace: graceJob(h.config, store) }, 'restart'); // w1 got through it all, then died
    expect(first.outcome).toBe('ok');
    const newPid = readPid(host);
    expect(newPid).not.toBe(oldPid);
    const from = h.sent.length;
    const r = await runVerb({ ...ctx(host, checkpoint('w2', w1.state())), grace: graceJob(h.config, store) }, 'restart');
    expect(r.outcome).toBe('ok');
    expect(r.summary).toMatch(
      /^graceful restart finished by worker w2 after w1 stopped mid-way: quit done, start had been sent, nothing left to send; gracefully restarted/,
    );
    expect(sentActions(host, from)).toEqual([]);
    expect(readPid(host)).toBe(newPid);
  });

  it('stop sent but the old process still runs (it never got there): waited for, never stopped again; the result says so', async () => {
    const host = hosts[2] as FleetHost;
    const before = await runVerb(h.ctx(host.name), 'status');
    const oldPid = readPid(host);
    const from = h.sent.length;
    const ck = checkpoint('w2', {
      steps: [{ action: 'stop', worker: 'w1', at: Date.now() }],
      process: { pid: oldPid, ...(before.after.serviceId ? { serviceId: before.after.serviceId } : {}) },
    });
    const r = await runVerb(ctx(host, ck, { stopTimeoutMs: 1500 }), 'restart');
    expect(r.outcome).toBe('unknown');
    expect(r.errorCode).toBe('interrupted');
    expect(r.summary).toMatch(
      new RegExp(
        `^restart NOT finished: w2 took it over after w1 stopped mid-way; \`stop\` had been sent, but pid ${oldPid} still runs .*\`stop\` is never sent twice`,
      ),
    );
    expect(sentActions(host, from)).toEqual([]);
    expect(readPid(host)).toBe(oldPid);
    expect(pidAlive(oldPid)).toBe(true);
  });
});
