import { Redis } from 'ioredis';
import { FallbackRateGate } from '../../src/adapters/pacing/fallback-rate-gate';
import { keys } from '../../src/adapters/redis/keys';
import { RedisLease } from '../../src/adapters/redis/redis-lease';
import { RedisRateGate } from '../../src/adapters/redis/redis-rate-gate';
import { producerConnection } from '../../src/adapters/redis/redis-connection';
import type { Logger } from '../../src/ports/logger-port';
import { getTestRun } from '../support/test-run';
import { createLogger } from '../../src/adapters/logger';
import { RedisEventConsumer, type EventConsumerOptions } from '../../src/adapters/redis/redis-event-consumer';
import { RedisJobEvents } from '../../src/adapters/redis/redis-job-events';
import type { JobEvent } from '../../src/ports/job-queue-port';
import { waitUntil } from '../support/wait-until';

const DB = 33;
const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

describe('shared pacing and leases: the Lua scripts on a real Redis', () => {
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    a = new Redis(`${getTestRun().redisUrl}/${DB}`);
    b = new Redis(`${getTestRun().redisUrl}/${DB}`);
    await a.flushdb();
  });
  afterAll(() => {
    a.disconnect();
    b.disconnect();
  });

  it('two replicas booking one channel get one burst and one interval between them, on the Redis clock', async () => {
    const [ga, gb] = [new RedisRateGate(a), new RedisRateGate(b)];
    const charge = [{ key: 'post:C1', limit: { intervalMs: 1000, burst: 5 } }];
    const waits = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? ga : gb).reserve(charge)));
    const sorted = [...waits].sort((x, y) => x - y);
    expect(sorted.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // Then one a second: 1000, 2000, ... 5000 (less the few ms the bookings took).
    sorted.slice(5).forEach((w, i) => expect(Math.abs(w - (i + 1) * 1000)).toBeLessThan(50));
    const ttl = await a.pttl(keys.pace('post:C1'));
    // The key lives until its next turn (10 s of bookings from now) and 1 s more, then is gone: bounded keys.
    expect(ttl).toBeGreaterThan(9500);
    expect(ttl).toBeLessThanOrEqual(11000);
  });

  it('a call counts against every key it names; a 429 holds a method for every replica', async () => {
    const ga = new RedisRateGate(a);
    const tier = { key: 'method:chat.update', limit: { intervalMs: 1200, burst: 1 } };
    expect(await ga.reserve([{ key: 'edit:C/1', limit: { intervalMs: 2000, burst: 1 } }, tier])).toBe(0);
    const w = await new RedisRateGate(b).reserve([{ key: 'edit:C/2', limit: { intervalMs: 2000, burst: 1 } }, tier]);
    expect(w).toBeGreaterThan(1100);
    await ga.hold(['method:chat.postEphemeral'], 3000);
    const held = await new RedisRateGate(b).reserve([{ key: 'method:chat.postEphemeral', limit: { intervalMs: 600, burst: 10 } }]);
    expect(held).toBeGreaterThan(2900);
    expect(held).toBeLessThanOrEqual(3000);
  });

  it('with Redis gone, the gate paces locally at once instead of hanging', async () => {
    const gone = producerConnection('redis://127.0.0.1:1', { retryStrategy: () => null });
    gone.on('error', () => undefined);
    const gate = new FallbackRateGate(new RedisRateGate(gone), silent);
    const started = Date.now();
    expect(await gate.reserve([{ key: 'post:C', limit: { intervalMs: 1000, burst: 1 } }])).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
    gone.disconnect();
  });

  it('lease: one holder; renew and release only with its token; expires without renewal (a SIGKILLed holder)', async () => {
    const [la, lb] = [new RedisLease(a), new RedisLease(b)];
    expect(await la.acquire('sweeper', 'bot-a', 400)).toBe(true);
    expect(await lb.acquire('sweeper', 'bot-b', 400)).toBe(false);
    expect(await lb.renew('sweeper', 'bot-b', 400)).toBe(false);
    await lb.release('sweeper', 'bot-b');
    expect(await a.get(keys.lease('sweeper'))).toBe('bot-a');
    expect(await la.renew('sweeper', 'bot-a', 400)).toBe(true);
    expect(await la.acquire('sweeper', 'bot-a', 400)).toBe(true); // a restarted holder takes its own back
    await new Promise((r) => setTimeout(r, 500)); // bot-a "dies": no renewal
    expect(await la.renew('sweeper', 'bot-a', 400)).toBe(false);
    expect(await lb.acquire('sweeper', 'bot-b', 400)).toBe(true);
    await la.release('sweeper', 'bot-a');
    expect(await a.get(keys.lease('sweeper'))).toBe('bot-b');
    await lb.release('sweeper', 'bot-b');
    expect(await a.exists(keys.lease('sweeper'))).toBe(0);
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function started(requestId: string, host: string): JobEvent {
  return { v: 1, type: 'job.started', requestId, jobId: `${requestId}-${host}`, host, verb: 'status', at: Date.now(), worker: 'w1' };
}

/** One bot replica's consumer in group `bot`, as the bot runs it (claims of entries idle over 1 s). */
function replica(name: string, handle: EventConsumerOptions['handle']): RedisEventConsumer {
  return new RedisEventConsumer({
    redis: new Redis(`${getTestRun().redisUrl}/${DB}`, { maxRetriesPerRequest: null }),
    group: 'bot',
    consumer: name,
    logger: createLogger('test'),
    handle,
    retryIdleMs: 1000,
  });
}

describe('event consumer across bot replicas (real Redis)', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(`${getTestRun().redisUrl}/${DB}`);
    await redis.flushdb();
  });
  afterAll(() => redis.disconnect());

  it('a delivery slower than the claim idle time (a paced post) is not taken over and run again by the other replica', async () => {
    const handled: string[] = [];
    const slow = replica('bot-a', async (e) => {
      handled.push(`a:${e.requestId}`);
      await sleep(3500);
    });
    slow.start();
    await sleep(300); // a reads first
    await new RedisJobEvents(redis).publish(started('slow', 'h1'));
    await waitUntil(() => handled.length === 1, { timeoutMs: 10_000, intervalMs: 20, description: 'a to take the event' });
    const other = replica('bot-b', (e) => {
      handled.push(`b:${e.requestId}`);
      return Promise.resolve();
    });
    other.start();
    await waitUntil(async () => Number(((await redis.xpending(keys.events, 'bot')) as [number])[0]) === 0, {
      timeoutMs: 10_000,
      intervalMs: 50,
      description: 'the event acknowledged',
    });
    expect(handled).toEqual(['a:slow']);
    await Promise.all([slow.stop(), other.stop()]);
  });

  it('the events of a replica that died are delivered by the other, each once', async () => {
    await redis.flushdb();
    const handled: string[] = [];
    const dying = replica('bot-a', () => new Promise<void>(() => undefined)); // takes events, never finishes (SIGKILL)
    dying.start();
    await sleep(300);
    for (const h of ['h1', 'h2', 'h3']) await new RedisJobEvents(redis).publish(started('r1', h));
    await waitUntil(async () => Number(((await redis.xpending(keys.events, 'bot')) as [number])[0]) === 3, {
      timeoutMs: 10_000,
      intervalMs: 20,
      description: 'a to hold the three events',
    });
    await dying.stop(); // stops reading and touching its entries, as a dead process does
    const survivor = replica('bot-b', (e) => {
      handled.push(e.type === 'job.started' ? e.host : '?');
      return Promise.resolve();
    });
    survivor.start();
    await waitUntil(() => handled.length >= 3, { timeoutMs: 10_000, intervalMs: 20, description: 'b to deliver the three' });
    await sleep(1500); // a second claim round finds nothing more
    expect([...handled].sort()).toEqual(['h1', 'h2', 'h3']);
    await survivor.stop();
  });
});
