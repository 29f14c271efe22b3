import type { Redis } from 'ioredis';
import { keys } from '../../../../src/adapters/redis/keys';
import { redisVerbCheckpoint } from '../../../../src/adapters/redis/redis-verb-checkpoint';

function fakeRedis(initial: Record<string, string> = {}) {
  const store = new Map(Object.entries(initial));
  let writes = 0;
  const redis = {
    get: (k: string) => Promise.resolve(store.get(k) ?? null),
    set: (k: string, v: string) => {
      writes++;
      store.set(k, v);
      return Promise.resolve('OK');
    },
  } as unknown as Redis;
  return { redis, store, writes: () => writes };
}

describe('verb checkpoint: every step a job sent, by whom, across workers', () => {
  it('keeps the steps in order, with the process noted before them; writes only when a command is sent', async () => {
    const r = fakeRedis();
    const w1 = redisVerbCheckpoint(r.redis, 'j1', 'w1');
    await w1.noteProcess({ pid: 10, serviceId: 'a' });
    expect(r.writes()).toBe(0);
    await w1.mark('stop');
    const w2 = redisVerbCheckpoint(r.redis, 'j1', 'w2');
    const seen = await w2.previous();
    expect(seen).toEqual({
      steps: [{ action: 'stop', worker: 'w1', at: expect.any(Number) as number }],
      process: { pid: 10, serviceId: 'a' },
    });
    await w2.mark('start');
    expect((await w2.previous())?.steps).toHaveLength(1); // what earlier runs left, not this run's own marks
    const stored = JSON.parse(r.store.get(keys.verbCheckpoint('j1')) ?? '{}') as { steps: Array<{ action: string; worker: string }> };
    expect(stored.steps.map((s) => `${s.worker}:${s.action}`)).toEqual(['w1:stop', 'w2:start']);
  });

  it('reads the single-action form older workers wrote', async () => {
    const r = fakeRedis({ [keys.verbCheckpoint('j2')]: JSON.stringify({ action: 'stop', at: 5, worker: 'old' }) });
    expect(await redisVerbCheckpoint(r.redis, 'j2', 'w2').previous()).toEqual({ steps: [{ action: 'stop', worker: 'old', at: 5 }] });
  });
});
