import type { BotDeps } from '../../../src/bot/bot-deps';
import { deliverWaiting } from '../../../src/bot/deliver-waiting';
import { showStatus } from '../../../src/bot/rollout/status-message';
import type { JobEvent } from '../../../src/ports/job-queue-port';
import type { RequestProgress, RequestRecord } from '../../../src/ports/request-store-port';
import type { RolloutHost } from '../../../src/core/rollout/rollout-record';

jest.mock('../../../src/bot/rollout/status-message', () => ({ showStatus: jest.fn(() => Promise.resolve()) }));

type Waiting = Extract<JobEvent, { type: 'job.waiting' }>;

function waiting(host: string, position: number, jobId = `r1-${host}`): Waiting {
  const holding = ['origin-1', 'origin-2'];
  return {
    v: 1,
    type: 'job.waiting',
    requestId: 'r1',
    jobId,
    host,
    verb: 'restart',
    at: 5,
    worker: 'w1',
    group: 'origins',
    limit: 2,
    position,
    holding,
  };
}

function fixture(record: Partial<RequestRecord>, stage?: RolloutHost['stage']) {
  const held = new Set<string>();
  const posts: string[] = [];
  const setHost = jest.fn((_id: string, _host: string, _state: RolloutHost) => Promise.resolve());
  const deps = {
    requests: {
      claim: (id: string, key: string) => Promise.resolve(!held.has(`${id}/${key}`) && Boolean(held.add(`${id}/${key}`))),
      unclaim: (id: string, key: string) => Promise.resolve(void held.delete(`${id}/${key}`)),
    },
    chat: { post: (_c: string, m: { text: string }) => Promise.resolve({ ts: String(posts.push(m.text)) }) },
    rollouts: {
      get: () => Promise.resolve(stage ? { hosts: { 'origin-3': { stage, at: 1 } } } : undefined),
      setHost,
    },
  } as unknown as BotDeps;
  const full: RequestRecord = {
    v: 1,
    requestId: 'r1',
    userId: 'U1',
    channelId: 'C1',
    verb: 'restart',
    hosts: ['origin-3'],
    text: '',
    createdAt: 0,
    ...record,
  };
  const progress = { record: full, results: [], posted: new Set(), done: false, grace: new Map() } as RequestProgress;
  return { deps, progress, posts, setHost };
}

describe('deliverWaiting: a job waiting for a group slot, in its thread', () => {
  it('one reply per job and group, with its place in line, however often the event comes', async () => {
    const { deps, progress, posts } = fixture({});
    await deliverWaiting(deps, progress, 'p1', waiting('origin-3', 1));
    await deliverWaiting(deps, progress, 'p1', waiting('origin-3', 1));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatch(
      /^:hourglass: `origin-3` waits: `origins` allows 2 hosts changing at once \(`origin-1`, `origin-2` now\); 1st in line/,
    );
    await deliverWaiting(deps, progress, 'p1', { ...waiting('origin-3', 1), group: 'eu' });
    expect(posts).toHaveLength(2);
  });

  it('a request on many hosts says it once per group', async () => {
    const hosts = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { deps, progress, posts } = fixture({ hosts });
    for (const [i, h] of hosts.entries()) await deliverWaiting(deps, progress, 'p1', waiting(h, i + 1));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain('Hosts of this request wait their turn');
  });

  it('a rollout shows it on the host line while the host is queued, and leaves a host that moved on alone', async () => {
    const queued = fixture({ kind: 'rollout' }, 'queued');
    await deliverWaiting(queued.deps, queued.progress, 'p1', waiting('origin-3', 2));
    expect(queued.posts).toEqual([]);
    expect(queued.setHost).toHaveBeenCalledWith('r1', 'origin-3', expect.objectContaining({ stage: 'queued', at: 5 }));
    expect(queued.setHost.mock.calls[0]?.[2].detail).toBe(
      'waits: origins allows 2 hosts changing at once (origin-1, origin-2 now); 2nd in line. It starts when a slot frees; /srs jobs shows the line.',
    );
    expect(showStatus).toHaveBeenCalledTimes(1);
    const moved = fixture({ kind: 'rollout' }, 'restarting');
    await deliverWaiting(moved.deps, moved.progress, 'p1', waiting('origin-3', 2));
    expect(moved.setHost).not.toHaveBeenCalled();
  });
});
