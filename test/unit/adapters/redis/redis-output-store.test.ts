import type { Redis } from 'ioredis';
import { keys } from '../../../../src/adapters/redis/keys';
import { redisOutputStore } from '../../../../src/adapters/redis/redis-output-store';
import type { StoredOutput } from '../../../../src/ports/output-store-port';

function fakeRedis() {
  const store = new Map<string, string>();
  const ttls = new Map<string, number>();
  const redis = {
    get: (k: string) => Promise.resolve(store.get(k) ?? null),
    set: (k: string, v: string, _px: string, ms: number) => {
      store.set(k, v);
      ttls.set(k, ms);
      return Promise.resolve('OK');
    },
  } as unknown as Redis;
  return { redis, store, ttls };
}

const output: StoredOutput = {
  v: 1,
  jobId: 'r-a-000000-edge-1',
  requestId: 'r-a-000000',
  host: 'edge-1',
  verb: 'restart',
  text: 'x\n',
  sha256: 'h',
  bytes: 2,
  fullBytes: 2,
  truncated: false,
  savedAt: 1000,
  expiresAt: 1000 + 3_600_000,
};

describe('redis output store', () => {
  it('keeps one key per job, expiring after the retention', async () => {
    const r = fakeRedis();
    const store = redisOutputStore(r.redis);
    await store.save(output);
    expect(r.ttls.get(keys.output(output.jobId))).toBe(3_600_000);
    expect(await store.get(output.jobId)).toEqual(output);
    expect(await store.get('r-a-000000-edge-2')).toBeUndefined();
  });

  it('reads anything that is not a v1 output as absent', async () => {
    const r = fakeRedis();
    r.store.set(keys.output('j1'), 'not json');
    r.store.set(keys.output('j2'), JSON.stringify({ v: 2, text: 'x' }));
    const store = redisOutputStore(r.redis);
    expect(await store.get('j1')).toBeUndefined();
    expect(await store.get('j2')).toBeUndefined();
  });
});
