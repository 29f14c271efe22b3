import type { BotDeps } from '../../../src/bot/bot-deps';
import { cancelFanOut } from '../../../src/bot/cancel-fan-out';
import type { JobEvent, JobQueuePort } from '../../../src/ports/job-queue-port';
import type { RequestRecord } from '../../../src/ports/request-store-port';

const record: RequestRecord = {
  v: 1,
  requestId: 'r-1',
  userId: 'U1',
  channelId: 'C1',
  verb: 'status',
  hosts: [],
  fanOut: { target: 'all', hostCount: 1000, inventoryDigest: 'd'.repeat(64) },
  text: 'status all',
  createdAt: 0,
};

function depsWith(answer: Awaited<ReturnType<JobQueuePort['cancelFanOut']>>): { deps: BotDeps; published: JobEvent[] } {
  const published: JobEvent[] = [];
  const deps = {
    queue: { cancelFanOut: () => Promise.resolve(answer) },
    events: {
      publish: (e: JobEvent) => {
        published.push(e);
        return Promise.resolve();
      },
    },
    now: () => 42,
  } as unknown as BotDeps;
  return { deps, published };
}

describe('cancelFanOut: what cancelling a fan-out leaves to do', () => {
  it('waiting: removed, every host answered at once (fanout.failed, none queued), nothing to cancel', async () => {
    const { deps, published } = depsWith({ state: 'cancelled', expanded: [] });
    const out = await cancelFanOut(deps, record, 'U2');
    expect(out).toEqual({ jobs: [], note: 'cancelled before any host job was queued; nothing ran' });
    expect(published).toEqual([
      expect.objectContaining({ type: 'fanout.failed', requestId: 'r-1', jobId: 'r-1-fanout', host: 'all', expanded: 0, at: 42 }),
    ]);
    expect(published[0]).toMatchObject({ reason: 'cancelled by U2 before any host job was queued' });
  });

  it('being expanded: the hosts never queued are answered, the ones queued are returned to cancel as host jobs', async () => {
    const { deps, published } = depsWith({ state: 'stopping', expanded: ['edge-1', 'edge-2'] });
    const out = await cancelFanOut(deps, record, 'U2');
    expect(out.jobs).toEqual([
      { host: 'edge-1', jobId: 'r-1-edge-1' },
      { host: 'edge-2', jobId: 'r-1-edge-2' },
    ]);
    expect(out.note).toBe('stopped queueing it after 2 host jobs');
    expect(published).toEqual([expect.objectContaining({ type: 'fanout.failed', expanded: 2, reason: 'cancelled by U2' })]);
  });

  it('already expanded: every host job is cancelled like any, and nothing is answered here', async () => {
    const { deps, published } = depsWith({ state: 'expanded', expanded: ['edge-1'] });
    expect(await cancelFanOut(deps, record, 'U2')).toEqual({ jobs: [{ host: 'edge-1', jobId: 'r-1-edge-1' }], note: '' });
    expect(published).toEqual([]);
  });
});
