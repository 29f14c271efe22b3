import { Redis } from 'ioredis';
import { RedisRequestStore } from '../../src/adapters/redis/redis-request-store';
import type { VerbResult } from '../../src/core/verb-result';
import { redisUrlForDb } from '../support/queue-harness';

const DB = 21;

function result(host: string, summary = 'running'): VerbResult {
  return {
    v: 1,
    host,
    verb: 'status',
    outcome: 'ok',
    summary,
    before: { state: 'running', apiUp: true },
    after: { state: 'running', apiUp: true },
    evidence: [],
    exitCode: null,
    durationMs: 1,
    output: '',
  };
}

describe('request store: saveResult counts the hosts that answered (real Redis)', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(redisUrlForDb(DB));
    await redis.flushdb();
  });
  afterAll(() => redis.disconnect());

  it('counts each host once, whatever the redeliveries, and forgets a reopened host', async () => {
    const store = new RedisRequestStore(redis);
    await store.create({
      v: 1,
      requestId: 'r1',
      userId: 'U1',
      channelId: 'C1',
      verb: 'status',
      hosts: ['h1', 'h2', 'h3'],
      text: 'status all',
      createdAt: 1,
    });
    await store.markPosted('r1', 'h1', '1.1');
    await store.claim('r1', 'table:h1');
    expect(await store.saveResult('r1', result('h2'))).toBe(1);
    expect(await store.saveResult('r1', result('h1'))).toBe(2);
    expect(await store.saveResult('r1', result('h1', 'running again'))).toBe(2);
    await store.reopenHost('r1', 'h1');
    expect(await store.saveResult('r1', result('h3'))).toBe(2);
    expect(await store.saveResult('r1', result('h1'))).toBe(3);
    const progress = await store.get('r1');
    expect(progress?.results.map((r) => r.host)).toEqual(['h1', 'h2', 'h3']);
    expect(progress?.results[0]?.summary).toBe('running');
  });
});
