import { Redis } from 'ioredis';
import { keys } from '../../src/adapters/redis/keys';
import { liveWorkers, startWorkerHeartbeat } from '../../src/adapters/redis/worker-heartbeat';
import { getTestRun } from '../support/test-run';
import { waitUntil } from '../support/wait-until';

const DB = 19;

/** Worker heartbeats on the run's real Redis: a clean stop is seen at once, a dead worker once its beat expires. */
describe('worker heartbeats', () => {
  const url = () => `${getTestRun().redisUrl}/${DB}`;
  let reader: Redis;
  beforeAll(async () => {
    reader = new Redis(url());
    await reader.del(keys.workers);
  });
  afterAll(() => reader.disconnect());

  it('lists live workers; a stopped one at once, a killed one after its time-to-live, and forgets it', async () => {
    const a = new Redis(url());
    const b = new Redis(url());
    const beatA = startWorkerHeartbeat(a, 'w-a', { intervalMs: 100, ttlMs: 400 });
    const beatB = startWorkerHeartbeat(b, 'w-b', { intervalMs: 100, ttlMs: 1500 });
    try {
      await waitUntil(async () => (await liveWorkers(reader)).length === 2, { timeoutMs: 3000, description: 'two beats' });
      expect((await liveWorkers(reader)).sort()).toEqual(['w-a', 'w-b']);
      await beatA.stop();
      expect(await liveWorkers(reader)).toEqual(['w-b']);
      // w-b dies without stopping: its connection goes, its beat is not renewed.
      b.disconnect();
      await new Promise((r) => setTimeout(r, 200));
      expect(await liveWorkers(reader)).toEqual(['w-b']);
      await waitUntil(async () => (await liveWorkers(reader)).length === 0, { timeoutMs: 3000, description: 'the dead beat to expire' });
      expect(await reader.smembers(keys.workers)).toEqual([]);
    } finally {
      await beatB.stop();
      a.disconnect();
      b.disconnect();
    }
  });
});
