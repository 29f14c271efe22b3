import { parseConfig } from '../../../../config/load-config';
import { hostIdentity } from '../../../../src/core/rollout/host-identity';
import type { HostSnapshot } from '../../../../src/core/verb-result';
import type { RollingJobOptions } from '../../../../src/ports/job-queue-port';
import type { RolloutStepJob, UpgradeBaseline } from '../../../../src/ports/upgrade-job-port';
import type { HealthExpectation, HealthVerdict } from '../../../../src/worker/srs/health-gate';
import type { HostContext } from '../../../../src/worker/srs/host-context';
import type { ObservedHost } from '../../../../src/worker/srs/snapshot';
import type { VerbStep } from '../../../../src/worker/verbs/verb-step';

const gate: { calls: HealthExpectation[]; verdict?: Partial<HealthVerdict> } = { calls: [] };
jest.mock('../../../../src/worker/srs/health-gate', () => ({
  ...jest.requireActual<object>('../../../../src/worker/srs/health-gate'),
  healthGate: (_ctx: unknown, _b: unknown, e: HealthExpectation) => {
    gate.calls.push(e);
    return Promise.resolve({
      ok: true,
      detail: 'serves 6.0.184 (pid 11), published streams 1 of 1 back',
      evidence: ['API: fine'],
      observed: {
        snapshot: { state: 'running', apiUp: true, version: '6.0.184', pid: 11, serviceId: 's2', streams: 1, publishers: 1 },
        probe: {},
      },
      ...gate.verdict,
    });
  },
}));
jest.mock('../../../../src/worker/srs/read-log', () => ({ logMark: () => ({ file: 'objs/srs.log', inode: '1', offset: 0 }) }));

import { rollingStep } from '../../../../src/worker/verbs/rolling-step';

const config = parseConfig(
  {
    ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent/known_hosts' },
    hosts: [{ name: 'edge-1', address: '10.0.0.1' }],
  },
  'test',
);
const h = config.hosts[0] as (typeof config.hosts)[number];
const running: HostSnapshot = { state: 'running', apiUp: true, version: '6.0.184', pid: 10, serviceId: 's1', streams: 1, publishers: 1 };
const observed = { snapshot: running, probe: {} } as unknown as ObservedHost;

function setup(over: { stopBy?: string; saved?: UpgradeBaseline; options?: Partial<RollingJobOptions> } = {}) {
  const stages: string[] = [];
  const saved: UpgradeBaseline[] = [];
  const job: RolloutStepJob = {
    stage: (s) => {
      stages.push(s);
      return Promise.resolve();
    },
    stopRequested: () => Promise.resolve(over.stopBy),
    loadBaseline: () => Promise.resolve(over.saved),
    saveBaseline: (b) => {
      saved.push(b);
      return Promise.resolve();
    },
  };
  const options: RollingJobOptions = { planHash: 'a'.repeat(64), healthTimeoutMs: 5000, forceAtDeadline: false, ...over.options };
  const ctx = {
    hostConfig: h,
    target: { name: h.name, address: h.address, port: h.port, user: 'srsops' },
    rolling: { options, job },
  } as unknown as HostContext;
  return { ctx, stages, saved };
}

const ran = (outcome: VerbStep['outcome'] = 'ok'): VerbStep => ({
  outcome,
  summary: 'restarted',
  evidence: ['init.d restart: exit 0'],
  after: { ...running, pid: 11, serviceId: 's2' },
  exitCode: 0,
  output: 'ok',
});

beforeEach(() => {
  gate.calls = [];
  gate.verdict = undefined;
});

describe('one host step of a rolling service verb', () => {
  it('a restart: baseline saved, stages running then verifying, the gate asks for a new process on the same version', async () => {
    const { ctx, stages, saved } = setup();
    const run = jest.fn(() => Promise.resolve(ran()));
    const step = (await rollingStep(ctx, 'restart', observed, run)) as VerbStep;
    expect(run).toHaveBeenCalledTimes(1);
    expect(stages).toEqual(['running', 'verifying']);
    expect(saved[0]).toMatchObject({ version: '6.0.184', pid: 10, serviceId: 's1', streams: 1, publishers: 1 });
    expect(gate.calls).toEqual([{ version: '6.0.184', newProcess: true, healthTimeoutMs: 5000, after: 'the restart' }]);
    expect(step.outcome).toBe('ok');
    expect(step.summary).toBe('restarted; health gate passed: serves 6.0.184 (pid 11), published streams 1 of 1 back');
    expect(step.evidence).toContain('health gate: API: fine');
  });

  it('a reload keeps its process: no new one required', async () => {
    const { ctx } = setup();
    await rollingStep(ctx, 'reload', observed, () => Promise.resolve(ran()));
    expect(gate.calls[0]?.newProcess).toBe(false);
  });

  it('a failed gate is failed/health_gate, saying which check and what the host is now', async () => {
    const { ctx } = setup();
    gate.verdict = {
      ok: false,
      failure: 'streams_not_recovered',
      detail: 'published streams 0 of 1 after 5s (streams listed: 0, before: 1)',
      evidence: ['published streams 0 of 1 after 5s (streams listed: 0, before: 1)'],
      observed: { snapshot: { ...running, pid: 11, publishers: 0, streams: 0 }, probe: {} } as unknown as ObservedHost,
    };
    const step = (await rollingStep(ctx, 'restart', observed, () => Promise.resolve(ran()))) as VerbStep;
    expect(step.outcome).toBe('failed');
    expect(step.errorCode).toBe('health_gate');
    expect(step.summary).toMatch(
      /^restart done, but edge-1 FAILED the health gate \(streams_not_recovered\): published streams 0 of 1 after 5s/,
    );
    expect(step.summary).toMatch(/; now running \(pid 11\)/);
    expect(step.after.publishers).toBe(0);
  });

  it('stop and grace are judged by their own outcome; a failed restart is not gated', async () => {
    const { ctx, stages } = setup();
    await rollingStep(ctx, 'stop', observed, () => Promise.resolve(ran()));
    await rollingStep(ctx, 'grace', observed, () => Promise.resolve(ran()));
    await rollingStep(ctx, 'restart', observed, () => Promise.resolve(ran('failed')));
    expect(gate.calls).toEqual([]);
    expect(stages).toEqual(['running', 'running', 'running']);
  });

  it('abort --now before the step: refused/aborted, nothing run, no stage', async () => {
    const { ctx, stages, saved } = setup({ stopBy: 'U0OPS' });
    const run = jest.fn(() => Promise.resolve(ran()));
    const step = (await rollingStep(ctx, 'restart', observed, run)) as VerbStep;
    expect(step).toMatchObject({ outcome: 'refused', errorCode: 'aborted' });
    expect(step.summary).toBe("`restart` not run: the rollout was aborted by U0OPS before edge-1's step; nothing was sent");
    expect(run).not.toHaveBeenCalled();
    expect(stages).toEqual([]);
    expect(saved).toEqual([]);
  });

  it("another machine than the plan's: refused/plan_changed, nothing run", async () => {
    const identity = hostIdentity({ ...h, address: '10.0.0.9' }, 'srsops', undefined);
    const { ctx } = setup({ options: { identity } });
    const run = jest.fn(() => Promise.resolve(ran()));
    const step = (await rollingStep(ctx, 'restart', observed, run)) as VerbStep;
    expect(step).toMatchObject({ outcome: 'refused', errorCode: 'plan_changed' });
    expect(step.summary).toContain('address 10.0.0.9:22 → 10.0.0.1:22');
    expect(run).not.toHaveBeenCalled();
  });

  it('a worker taking over compares with the saved baseline (abort --now no longer stops a step that began)', async () => {
    const saved: UpgradeBaseline = {
      version: '6.0.184',
      pid: 9,
      serviceId: 's0',
      streams: 2,
      publishers: 2,
      mark: { file: 'f', inode: '1', offset: 5 },
    };
    const { ctx, saved: written } = setup({ saved, stopBy: 'U0OPS' });
    const step = (await rollingStep(ctx, 'restart', observed, () => Promise.resolve(ran()))) as VerbStep;
    expect(written).toEqual([]);
    expect(step.outcome).toBe('ok');
    expect(step.evidence[0]).toMatch(/^resumed: a previous worker began this step/);
  });
});
