import { Redis } from 'ioredis';
import { FallbackRateGate } from '../../src/adapters/pacing/fallback-rate-gate';
import { keys } from '../../src/adapters/redis/keys';
import { RedisLease } from '../../src/adapters/redis/redis-lease';
import { RedisRateGate } from '../../src/adapters/redis/redis-rate-gate';
import { producerConnection } from '../../src/adapters/redis/redis-connection';
import type { Logger } from '../../src/ports/logger-port';
import { getTestRun } from '../support/test-run';

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
