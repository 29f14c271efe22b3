import { Redis } from 'ioredis';
import { createLogger } from '../../src/adapters/logger';
import { RedisEventConsumer, type EventConsumerOptions } from '../../src/adapters/redis/redis-event-consumer';
import { RedisJobEvents } from '../../src/adapters/redis/redis-job-events';
import { keys } from '../../src/adapters/redis/keys';
import type { JobEvent } from '../../src/ports/job-queue-port';
import { redisUrlForDb } from '../support/queue-harness';
import { waitUntil } from '../support/wait-until';

const DB = 20;

function result(requestId: string, host: string): JobEvent {
  return {
    v: 1,
    type: 'job.result',
    requestId,
    jobId: `${requestId}-${host}`,
    host,
    verb: 'status',
    at: Date.now(),
    worker: 'w1',
    result: {
      v: 1,
      host,
      verb: 'status',
      outcome: 'ok',
      summary: 'running',
      before: { state: 'running', apiUp: true },
      after: { state: 'running', apiUp: true },
      evidence: [],
      exitCode: null,
      durationMs: 1,
      output: '',
    },
  };
}

/** A consumer in group `bot` on its own connection, as the bot runs it. */
function consumer(handle: EventConsumerOptions['handle'], extra: Partial<EventConsumerOptions> = {}): RedisEventConsumer {
  return new RedisEventConsumer({
    redis: new Redis(redisUrlForDb(DB), { maxRetriesPerRequest: null }),
    group: 'bot',
    consumer: 'c1',
    logger: createLogger('test'),
    handle,
    ...extra,
  });
}

async function pending(redis: Redis): Promise<number> {
  return Number(((await redis.xpending(keys.events, 'bot')) as [number])[0]);
}

const waitAllAcked = (redis: Redis) =>
  waitUntil(async () => (await pending(redis)) === 0, { timeoutMs: 10_000, intervalMs: 20, description: 'every event acknowledged' });

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrlForDb(DB));
});
beforeEach(async () => {
  await redis.flushdb();
});
afterAll(() => redis.disconnect());

describe('event consumer: requests delivered concurrently, each request in stream order (real Redis)', () => {
  it("a request whose delivery is stuck does not hold another request's events; within a request, order is kept", async () => {
    const publisher = new RedisJobEvents(redis);
    const handled: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const slowReleased = new Promise<void>((resolve) => (releaseSlow = resolve));
    const c = consumer(async (event) => {
      if (event.requestId === 'slow' && event.host === 'a1') await slowReleased; // e.g. a paced Slack post
      handled.push(`${event.requestId}/${event.host}`);
    });
    // All in the stream before the consumer reads, so that they arrive in one batch.
    for (const e of [result('slow', 'a1'), result('slow', 'a2'), result('fast', 'b1'), result('fast', 'b2'), result('slow', 'a3')])
      await publisher.publish(e);
    c.start();
    try {
      // With one event at a time this never happens: fast's events sit behind slow/a1.
      await waitUntil(() => handled.length === 2, {
        timeoutMs: 10_000,
        intervalMs: 20,
        description: "the other request's events to be handled",
      });
      expect(handled).toEqual(['fast/b1', 'fast/b2']);
      releaseSlow();
      await waitUntil(() => handled.length === 5, { timeoutMs: 10_000, intervalMs: 20, description: 'the stuck request to go on' });
      expect(handled.slice(2)).toEqual(['slow/a1', 'slow/a2', 'slow/a3']);
      await waitAllAcked(redis);
    } finally {
      releaseSlow();
      await c.stop();
    }
  });
});

describe('event consumer: an event being retried does not hold new events (real Redis)', () => {
  it('while a pending event of one request is retried (and stuck), new events of other requests are delivered', async () => {
    const publisher = new RedisJobEvents(redis);
    const handled: string[] = [];
    let attempts = 0;
    let releaseRetry: () => void = () => undefined;
    const retryReleased = new Promise<void>((resolve) => (releaseRetry = resolve));
    const c = consumer(
      async (event) => {
        if (event.requestId === 'stuck') {
          attempts += 1;
          if (attempts === 1) throw new Error('chat unavailable'); // left pending: retried by the claim loop
          await retryReleased; // the retry hangs (e.g. a paced or failing chat)
        }
        handled.push(`${event.requestId}/${event.host}`);
      },
      { retryIdleMs: 200 },
    );
    await publisher.publish(result('stuck', 'a1'));
    c.start();
    try {
      await waitUntil(() => attempts >= 2, { timeoutMs: 10_000, intervalMs: 20, description: 'the failed event to be retried' });
      await publisher.publish(result('fresh', 'b1'));
      // With the retry awaited before the next read, this waits until the retry ends.
      await waitUntil(() => handled.includes('fresh/b1'), {
        timeoutMs: 10_000,
        intervalMs: 20,
        description: 'the new event to be delivered during the retry',
      });
      expect(handled).toEqual(['fresh/b1']);
      releaseRetry();
      await waitUntil(() => handled.includes('stuck/a1'), {
        timeoutMs: 10_000,
        intervalMs: 20,
        description: 'the retried event to be delivered',
      });
      // The stuck entry was claimed again while it was being handled, but never handled twice at once.
      expect(attempts).toBe(2);
      await waitAllAcked(redis);
    } finally {
      releaseRetry();
      await c.stop();
    }
  });
});

describe('event consumer: stop (real Redis)', () => {
  it('returns while a delivery still hangs, leaving that event pending for the next bot process', async () => {
    let called = false;
    const c = consumer(() => {
      called = true;
      return new Promise<void>(() => undefined); // a chat call that never answers
    });
    await new RedisJobEvents(redis).publish(result('hung', 'h1'));
    c.start();
    await waitUntil(() => called, { timeoutMs: 10_000, intervalMs: 20, description: 'the event to be handled' });
    await c.stop();
    expect(await pending(redis)).toBe(1);
  });
});
