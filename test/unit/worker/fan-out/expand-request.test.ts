import { parseConfig } from '../../../../config/load-config';
import { inventorySnapshot } from '../../../../src/core/inventory/inventory-snapshot';
import { hostJobId } from '../../../../src/core/jobs/host-jobs';
import { createLogger } from '../../../../src/adapters/logger';
import { expandRequest, type ExpandDeps } from '../../../../src/worker/fan-out/expand-request';
import type { AuditEventInput } from '../../../../src/ports/audit-port';
import type { ChunkOutcome, FanOutExpansionPort } from '../../../../src/ports/fan-out-expansion-port';
import type { PublishedInventory } from '../../../../src/ports/inventory-store-port';
import { fanOutJobId, type FanOutJob, type HostJob, type JobEvent } from '../../../../src/ports/job-queue-port';

const HOSTS = Array.from({ length: 23 }, (_, i) => `edge-${String(i + 1).padStart(2, '0')}`);
const config = parseConfig(
  {
    ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' },
    hosts: HOSTS.map((name, i) => ({ name, address: `10.0.0.${i + 1}`, groups: i < 20 ? ['edges'] : ['origins'] })),
  },
  'test',
);
const snapshot = inventorySnapshot(config, { kind: 'config', path: '/c.yml' }, 0);

function fanOut(target = 'all', digest = snapshot.digest): FanOutJob {
  return {
    v: 1,
    kind: 'fanout',
    jobId: fanOutJobId('r-1'),
    requestId: 'r-1',
    verb: 'status',
    target,
    hostCount: 23,
    inventoryDigest: digest,
    ssh: { user: 'srsops' },
    requestedBy: 'U1',
    enqueuedAt: 5,
  };
}

/** The fan-out queue as Redis keeps it: the ledger, the cancel flag, and every host job queued (each time). */
class FakeExpansion implements FanOutExpansionPort {
  ledger: string[] = [];
  queued: HostJob[] = [];
  repaired: HostJob[][] = [];
  cancelled: string | null = null;
  /** Called before each chunk; may throw (a worker dying) or change the state (a cancel, another expander). */
  beforeChunk: (n: number) => void = () => undefined;
  private chunks = 0;

  expanded(): Promise<string[]> {
    return Promise.resolve([...this.ledger]);
  }

  queueChunk(_requestId: string, expected: number, jobs: readonly HostJob[]): Promise<ChunkOutcome> {
    this.beforeChunk(++this.chunks);
    if (this.cancelled !== null) return Promise.resolve({ kind: 'cancelled' });
    if (this.ledger.length !== expected) return Promise.resolve({ kind: 'moved', expanded: this.ledger.length });
    this.queued.push(...jobs);
    this.ledger.push(...jobs.map((j) => j.host));
    return Promise.resolve({ kind: 'queued' });
  }

  repair(jobs: readonly HostJob[]): Promise<number> {
    this.repaired.push([...jobs]);
    return Promise.resolve(0);
  }

  cancelledBy(): Promise<string | null> {
    return Promise.resolve(this.cancelled);
  }
}

function deps(
  expansion: FakeExpansion,
  over: Partial<ExpandDeps> = {},
): ExpandDeps & { sent: JobEvent[]; records: AuditEventInput[]; progress: jest.Mock } {
  const sent: JobEvent[] = [];
  const records: AuditEventInput[] = [];
  const d = {
    inventory: {
      load: (digest: string) => Promise.resolve<PublishedInventory | undefined>(digest === snapshot.digest ? snapshot : undefined),
    },
    expansion,
    events: { publish: (e: JobEvent) => Promise.resolve(void sent.push(e)) },
    audit: { append: (r: AuditEventInput) => Promise.resolve(void records.push(r)) },
    logger: createLogger('test'),
    workerId: 'w1',
    now: () => 99,
    progress: jest.fn(() => Promise.resolve()),
    chunkSize: 10,
    ...over,
  };
  return Object.assign(d, { sent, records }) as ExpandDeps & { sent: JobEvent[]; records: AuditEventInput[]; progress: jest.Mock };
}

const ids = (jobs: readonly HostJob[]): string[] => jobs.map((j) => j.jobId);

describe('expandRequest', () => {
  it('queues one host job per host of the target, in chunks, recording progress, and audits one request.expanded', async () => {
    const expansion = new FakeExpansion();
    const d = deps(expansion);
    await expect(expandRequest(d, fanOut())).resolves.toEqual({ kind: 'expanded', hosts: 23, queuedNow: 23, resumedFrom: 0 });
    expect(ids(expansion.queued)).toEqual(HOSTS.map((h) => hostJobId('r-1', h)));
    expect(expansion.queued[0]).toMatchObject({
      requestId: 'r-1',
      verb: 'status',
      requestedBy: 'U1',
      enqueuedAt: 5,
      inventoryDigest: snapshot.digest,
    });
    expect(expansion.queued[0]?.target).toMatchObject({ address: '10.0.0.1', user: 'srsops' });
    expect(d.progress.mock.calls).toEqual([[10], [20], [23]]);
    expect(d.records).toHaveLength(1);
    expect(d.records[0]).toMatchObject({
      type: 'request.expanded',
      actor: 'worker:w1',
      requestId: 'r-1',
      data: { outcome: 'expanded', hosts: 23, inventoryDigest: snapshot.digest, worker: 'w1', resumedFrom: 0 },
    });
    expect(d.sent).toEqual([]);
    expect(expansion.repaired).toEqual([]);
  });

  it('resolves the target against the snapshot: a group gives its hosts only', async () => {
    const expansion = new FakeExpansion();
    await expandRequest(deps(expansion), fanOut('origins'));
    expect(expansion.ledger).toEqual(['edge-21', 'edge-22', 'edge-23']);
  });

  it('a second attempt after a worker died mid-way resumes after the hosts recorded: no host queued twice', async () => {
    const expansion = new FakeExpansion();
    expansion.beforeChunk = (n) => {
      if (n === 2) throw new Error('worker died');
    };
    await expect(expandRequest(deps(expansion), fanOut())).rejects.toThrow('worker died');
    expect(expansion.ledger).toHaveLength(10);
    expansion.beforeChunk = () => undefined;
    const d = deps(expansion);
    await expect(expandRequest(d, fanOut())).resolves.toEqual({ kind: 'expanded', hosts: 23, queuedNow: 13, resumedFrom: 10 });
    expect(ids(expansion.queued)).toEqual(HOSTS.map((h) => hostJobId('r-1', h)));
    // The recorded chunk is checked for jobs its attempt may not have handed to the queue.
    expect(expansion.repaired.map(ids)).toEqual([HOSTS.slice(0, 10).map((h) => hostJobId('r-1', h))]);
    expect(d.progress.mock.calls).toEqual([[20], [23]]);
  });

  it('another expander that got ahead (a stalled one coming back): the record is read again, nothing queued twice', async () => {
    const expansion = new FakeExpansion();
    const other = snapshot.hosts.slice(10, 20).map((h) => h.name);
    expansion.beforeChunk = (n) => {
      if (n === 2) {
        expansion.ledger.push(...other);
        expansion.queued.push(...other.map((h) => ({ jobId: hostJobId('r-1', h) }) as HostJob));
      }
    };
    await expandRequest(deps(expansion), fanOut());
    expect(ids(expansion.queued)).toEqual(HOSTS.map((h) => hostJobId('r-1', h)));
    expect(new Set(expansion.ledger).size).toBe(23);
  });

  it('stops at the next chunk once cancelled; says who cancelled and how many were queued', async () => {
    const expansion = new FakeExpansion();
    expansion.beforeChunk = (n) => {
      if (n === 2) expansion.cancelled = 'U9';
    };
    const d = deps(expansion);
    await expect(expandRequest(d, fanOut())).resolves.toEqual({ kind: 'cancelled', expanded: 10, by: 'U9' });
    expect(expansion.queued).toHaveLength(10);
    expect(d.records[0]?.data).toMatchObject({ outcome: 'cancelled', expanded: 10, cancelledBy: 'U9' });
  });

  it('a snapshot that is gone fails the fan-out for good: fanout.failed (with what was expanded), audited', async () => {
    const expansion = new FakeExpansion();
    const d = deps(expansion);
    const outcome = await expandRequest(d, fanOut('all', 'f'.repeat(64)));
    expect(outcome).toMatchObject({ kind: 'failed', expanded: 0 });
    const reason = outcome.kind === 'failed' ? outcome.reason : '';
    expect(reason).toMatch(/inventory snapshot ffffffffffff.* is gone/);
    expect(d.sent).toEqual([
      {
        v: 1,
        type: 'fanout.failed',
        requestId: 'r-1',
        jobId: 'r-1-fanout',
        host: 'all',
        verb: 'status',
        at: 99,
        worker: 'w1',
        reason,
        expanded: 0,
      },
    ]);
    expect(d.records[0]).toMatchObject({ type: 'request.expanded', data: { outcome: 'failed', expanded: 0 } });
    expect(expansion.queued).toEqual([]);
  });

  it('a target the snapshot no longer resolves fails the fan-out the same way', async () => {
    const d = deps(new FakeExpansion());
    const outcome = await expandRequest(d, fanOut('nosuchgroup'));
    expect(outcome.kind === 'failed' && outcome.reason).toMatch(/^its target no longer resolves: /);
    expect(d.sent[0]).toMatchObject({ type: 'fanout.failed', host: 'nosuchgroup' });
  });

  it('an audit log that refuses the record does not undo the expansion', async () => {
    const expansion = new FakeExpansion();
    const d = deps(expansion, { audit: { append: () => Promise.reject(new Error('audit down')) } as unknown as ExpandDeps['audit'] });
    await expect(expandRequest(d, fanOut())).resolves.toMatchObject({ kind: 'expanded', hosts: 23 });
  });
});
