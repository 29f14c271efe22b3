import { Redis } from 'ioredis';
import { keys } from '../../src/adapters/redis/keys';
import { RedisRequestStore } from '../../src/adapters/redis/redis-request-store';
import type { Outcome, VerbResult } from '../../src/core/verb-result';
import type { RequestRecord } from '../../src/ports/request-store-port';
import { redisUrlForDb } from '../support/queue-harness';

const DB = 37;

function result(host: string, outcome: Outcome = 'ok'): VerbResult {
  const snap = { state: 'running' as const, apiUp: true };
  return {
    v: 1,
    host,
    verb: 'status',
    outcome,
    summary: outcome,
    before: snap,
    after: snap,
    evidence: [],
    exitCode: null,
    durationMs: 1,
    output: 'x'.repeat(2000),
  };
}

function fanOutRecord(requestId: string, hostCount: number): RequestRecord {
  return {
    v: 1,
    requestId,
    userId: 'U1',
    channelId: 'C1',
    verb: 'status',
    hosts: [],
    fanOut: { target: 'all', hostCount, inventoryDigest: 'd' },
    text: 'status all',
    createdAt: 1,
  };
}

describe("request store: a fan-out's results, counted by outcome and read in table order (real Redis)", () => {
  let redis: Redis;
  let store: RedisRequestStore;
  beforeAll(async () => {
    redis = new Redis(redisUrlForDb(DB));
    await redis.flushdb();
    store = new RedisRequestStore(redis);
  });
  afterAll(() => redis.disconnect());

  it('the tally counts each host once, by its latest outcome, and forgets a reopened host', async () => {
    await store.create(fanOutRecord('r-t1', 4));
    expect(await store.tally('r-t1')).toEqual({ answered: 0, byOutcome: {} });
    await store.saveResult('r-t1', result('h1', 'failed'));
    await store.saveResult('r-t1', result('h2'));
    await store.saveResult('r-t1', result('h1', 'ok')); // delivered again, now ok
    await store.saveResult('r-t1', result('h3', 'unknown'));
    expect(await store.tally('r-t1')).toEqual({ answered: 3, byOutcome: { ok: 2, unknown: 1 } });
    await store.reopenHost('r-t1', 'h3');
    expect(await store.tally('r-t1')).toEqual({ answered: 2, byOutcome: { ok: 2 } });
    expect(await store.saveResult('r-t1', result('h3', 'failed'))).toBe(3);
    expect(await store.tally('r-t1')).toEqual({ answered: 3, byOutcome: { ok: 2, failed: 1 } });
  });

  it('a request stored before the counts were kept is counted once by a scan, then kept', async () => {
    const key = keys.request('r-old');
    await store.create(fanOutRecord('r-old', 5));
    await redis.hset(
      key,
      'result:h1',
      JSON.stringify(result('h1', 'failed')),
      'result:h2',
      JSON.stringify(result('h2')),
      'posted:h1',
      '1.1',
    );
    expect(await store.saveResult('r-old', result('h3'))).toBe(3);
    expect(await store.saveResult('r-old', result('h2', 'unknown'))).toBe(3);
    expect(await store.tally('r-old')).toEqual({ answered: 3, byOutcome: { ok: 1, failed: 1, unknown: 1 } });
  });

  it('get() reads 1,000 results in table order (failures first, then by name) in well under a second; markPosted takes many hosts at once', async () => {
    await store.create(fanOutRecord('r-big', 1000));
    const hosts = Array.from({ length: 1000 }, (_, i) => `edge-${(i * 7919) % 1000}`);
    await Promise.all(
      hosts.map((h, i) => store.saveResult('r-big', result(h, i % 100 === 0 ? 'failed' : i % 150 === 0 ? 'unknown' : 'ok'))),
    );
    await store.markPosted('r-big', hosts, '1.1');
    const started = performance.now();
    const progress = await store.get('r-big');
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1000);
    const order = progress?.results.map((r) => `${r.outcome}/${r.host}`) ?? [];
    expect(order.slice(0, 3)).toEqual(['failed/edge-0', 'failed/edge-100', 'failed/edge-200']);
    const unknown = order.slice(10, 13);
    expect(unknown.every((o) => o.startsWith('unknown/'))).toBe(true);
    const numbers = unknown.map((o) => Number(o.replace('unknown/edge-', '')));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(order[13]).toBe('ok/edge-1');
    expect(order[order.length - 1]).toBe('ok/edge-999');
    expect(progress?.posted.size).toBe(1000);
    expect(await store.tally('r-big')).toEqual({ answered: 1000, byOutcome: { ok: 987, failed: 10, unknown: 3 } });
  });
});
