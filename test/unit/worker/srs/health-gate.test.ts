import type { HostSnapshot } from '../../../../src/core/verb-result';
import type { HostContext } from '../../../../src/worker/srs/host-context';
import type { UpgradeBaseline } from '../../../../src/ports/upgrade-job-port';

const snapshots: HostSnapshot[] = [];
const logLines: string[][] = [];
jest.mock('../../../../src/worker/srs/snapshot', () => ({
  observeHost: () => Promise.resolve({ snapshot: snapshots.length > 1 ? snapshots.shift() : snapshots[0], probe: {} }),
}));
jest.mock('../../../../src/worker/srs/read-log', () => ({
  logMark: () => ({ file: 'objs/srs.log', inode: '1', offset: 0 }),
  readLogSince: (_ctx: unknown, mark: unknown) => Promise.resolve({ lines: logLines.shift() ?? [], mark }),
}));

import { healthGate } from '../../../../src/worker/srs/health-gate';

const baseline: UpgradeBaseline = {
  version: '6.0.184',
  pid: 10,
  serviceId: 's1',
  streams: 1,
  publishers: 1,
  mark: { file: 'objs/srs.log', inode: '1', offset: 0 },
};
const running = (over: Partial<HostSnapshot> = {}): HostSnapshot => ({
  state: 'running',
  apiUp: true,
  version: '6.0.184',
  pid: 11,
  serviceId: 's2',
  streams: 1,
  publishers: 1,
  ...over,
});
const ctx = { hostConfig: { name: 'edge-1' }, sleep: () => Promise.resolve() } as unknown as HostContext;
const expectation = (over = {}) => ({ version: '6.0.184', newProcess: true, healthTimeoutMs: 0, after: 'the restart', ...over });

beforeEach(() => {
  snapshots.length = 0;
  logLines.length = 0;
});

describe('the health gate (upgrades and rolling service verbs)', () => {
  it('passes on a new process with the expected version and its publishers back', async () => {
    snapshots.push(running());
    const v = await healthGate(ctx, baseline, expectation());
    expect(v.ok).toBe(true);
    expect(v.detail).toBe('serves 6.0.184 (pid 11), published streams 1 of 1 back');
  });

  it('fails a restart whose API still answers from the old process; a reload keeps its process and passes', async () => {
    snapshots.push(running({ pid: 10, serviceId: 's1' }));
    expect((await healthGate(ctx, baseline, expectation())).failure).toBe('not_new_process');
    snapshots.length = 0;
    snapshots.push(running({ pid: 10, serviceId: 's1' }));
    expect((await healthGate(ctx, baseline, expectation({ newProcess: false, after: 'the reload' }))).ok).toBe(true);
  });

  it('a start from a stopped host (no service id before) needs another pid than before', async () => {
    snapshots.push(running({ pid: 10 }));
    const stopped: UpgradeBaseline = { version: '', pid: 10, streams: 0, publishers: 0, mark: baseline.mark };
    const v = await healthGate(ctx, stopped, { newProcess: true, healthTimeoutMs: 0, after: 'the start' });
    expect(v.failure).toBe('not_new_process');
  });

  it('fails on a dead process, a version change, a startup failure of the serving process, streams not back', async () => {
    snapshots.push({ state: 'stopped', apiUp: false });
    expect((await healthGate(ctx, baseline, expectation({ after: 'the reload' }))).detail).toBe(
      'SRS is not running after the reload (stopped)',
    );
    snapshots.length = 0;
    snapshots.push(running({ version: '6.0.185' }));
    expect((await healthGate(ctx, baseline, expectation())).failure).toBe('version_mismatch');
    snapshots.length = 0;
    snapshots.push(running());
    logLines.push(['[2026-12-01 18:00:00.000][ERROR][11][abc] listen failed, Failed, code=1054']);
    expect((await healthGate(ctx, baseline, expectation())).failure).toBe('startup_failure');
    snapshots.length = 0;
    snapshots.push(running({ publishers: 0 }));
    const v = await healthGate(ctx, baseline, expectation());
    expect(v.failure).toBe('streams_not_recovered');
    expect(v.detail).toBe('published streams 0 of 1 after 0s (streams listed: 1, before: 1)');
  });

  it('waits within the timeout for publishers to come back', async () => {
    snapshots.push(running({ publishers: 0 }), running({ publishers: 0 }), running({ publishers: 1 }));
    const v = await healthGate(ctx, baseline, expectation({ healthTimeoutMs: 60000 }));
    expect(v.ok).toBe(true);
  });
});
