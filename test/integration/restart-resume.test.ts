import fs from 'node:fs';
import { runVerb } from '../../workers/verbs/run-verb';
import type { CheckpointState, VerbCheckpoint } from '../../workers/verb-checkpoint';
import type { HostContext } from '../../workers/srs/host-context';
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

const readPid = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());

describe('a restart taken over from a worker that stopped mid-way (init.d)', () => {
  let hosts: FleetHost[];
  let h: WorkerHarness;
  const sentActions = (host: FleetHost, from: number) =>
    h.sent.slice(from).filter((s) => s.host === host.name && s.line.includes('srs-initd')).map((s) => /'(\w+)'$/.exec(s.line)?.[1]);

  beforeAll(async () => {
    hosts = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
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
    const ck = checkpoint('w2', { steps: [{ action: 'stop', worker: 'w1', at: Date.now() }], process: { pid: oldPid, ...(before.after.serviceId ? { serviceId: before.after.serviceId } : {}) } });
    const r = await runVerb(ctx(host, ck), 'restart');
    expect(r.outcome).toBe('ok');
    expect(r.summary).toMatch(new RegExp(`^restart finished by worker w2 after w1 stopped mid-way: stop done, start sent now; restarted: pid ${oldPid} → \\d+, running`));
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
      steps: [{ action: 'stop', worker: 'w1', at: 1 }, { action: 'start', worker: 'w1', at: 2 }],
      process: { ...(oldPid !== undefined ? { pid: oldPid } : {}), ...(before.after.serviceId ? { serviceId: before.after.serviceId } : {}) },
    });
    const r = await runVerb(ctx(host, ck), 'restart');
    expect(r.outcome).toBe('ok');
    expect(r.summary).toMatch(/^restart finished by worker w2 after w1 stopped mid-way: stop, start done, nothing left to send; restarted: pid \d+ → \d+, running/);
    expect(sentActions(host, from)).toEqual([]);
  });

  it('stop sent but the old process still runs (it never got there): waited for, never stopped again; the result says so', async () => {
    const host = hosts[2] as FleetHost;
    const before = await runVerb(h.ctx(host.name), 'status');
    const oldPid = readPid(host);
    const from = h.sent.length;
    const ck = checkpoint('w2', { steps: [{ action: 'stop', worker: 'w1', at: Date.now() }], process: { pid: oldPid, ...(before.after.serviceId ? { serviceId: before.after.serviceId } : {}) } });
    const r = await runVerb(ctx(host, ck, { stopTimeoutMs: 1500 }), 'restart');
    expect(r.outcome).toBe('unknown');
    expect(r.errorCode).toBe('interrupted');
    expect(r.summary).toMatch(new RegExp(`^restart NOT finished: w2 took it over after w1 stopped mid-way; \`stop\` had been sent, but pid ${oldPid} still runs .*\`stop\` is never sent twice`));
    expect(sentActions(host, from)).toEqual([]);
    expect(readPid(host)).toBe(oldPid);
    expect(pidAlive(oldPid)).toBe(true);
  });
});
