import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { keys } from '../../src/adapters/redis/keys';
import { HostQueue, type HostTurn } from '../../src/adapters/redis/host-queue';
import { redisUrlForDb } from '../support/queue-harness';

const DB = 22;

/** The turn as the worker takes it (through the host queue's owner). */
const takeHostTurn = (redis: Redis, host: string, jobId: string, lockTtlMs: number): Promise<HostTurn> =>
  new HostQueue(redis).takeTurn(host, jobId, lockTtlMs);

describe('takeHostTurn: FIFO check, host lock and cancel flag in one Lua script (real Redis)', () => {
  let redis: Redis;
  let other: Redis;
  const hostsUsed: string[] = [];
  const newHost = (): string => {
    const host = `turn-${randomUUID().slice(0, 8)}`;
    hostsUsed.push(host);
    return host;
  };

  beforeAll(() => {
    redis = new Redis(redisUrlForDb(DB));
    other = new Redis(redisUrlForDb(DB));
  });
  afterAll(async () => {
    for (const host of hostsUsed) await redis.del(keys.hostQueue(host), keys.hostLock(host));
    redis.disconnect();
    other.disconnect();
  });

  it('the first job in line takes the lock (owner token = job id, with a TTL); the next one is behind it', async () => {
    const host = newHost();
    await redis.rpush(keys.hostQueue(host), 'j1', 'j2');
    expect(await takeHostTurn(redis, host, 'j1', 30000)).toEqual({ kind: 'acquired', cancelledBy: null });
    expect(await redis.get(keys.hostLock(host))).toBe('j1');
    const ttl = await redis.pttl(keys.hostLock(host));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30000);
    expect(await takeHostTurn(other, host, 'j2', 30000)).toEqual({ kind: 'behind', head: 'j1' });
    expect(await redis.get(keys.hostLock(host))).toBe('j1');
    expect(await redis.lrange(keys.hostQueue(host), 0, -1)).toEqual(['j1', 'j2']);
  });

  it('a job taken again after a stall keeps the lock it holds', async () => {
    const host = newHost();
    await redis.rpush(keys.hostQueue(host), 'j1');
    await redis.set(keys.hostLock(host), 'j1', 'PX', 30000);
    expect(await takeHostTurn(redis, host, 'j1', 30000)).toEqual({ kind: 'acquired', cancelledBy: null });
  });

  it('first in line while another job still holds the lock: locked, and the lock is left alone', async () => {
    const host = newHost();
    await redis.rpush(keys.hostQueue(host), 'j2');
    await redis.set(keys.hostLock(host), 'j1', 'PX', 30000);
    expect(await takeHostTurn(redis, host, 'j2', 30000)).toEqual({ kind: 'locked', holder: 'j1' });
    expect(await redis.get(keys.hostLock(host))).toBe('j1');
  });

  it('a job missing from its host list is appended at the end (it waits), or takes the turn when the list was empty', async () => {
    const host = newHost();
    await redis.rpush(keys.hostQueue(host), 'j1');
    expect(await takeHostTurn(redis, host, 'j3', 30000)).toEqual({ kind: 'queued' });
    expect(await redis.lrange(keys.hostQueue(host), 0, -1)).toEqual(['j1', 'j3']);
    expect(await redis.get(keys.hostLock(host))).toBeNull();
    // Appended once: asking again finds it in line.
    expect(await takeHostTurn(redis, host, 'j3', 30000)).toEqual({ kind: 'behind', head: 'j1' });
    expect(await redis.lrange(keys.hostQueue(host), 0, -1)).toEqual(['j1', 'j3']);

    const empty = newHost();
    expect(await takeHostTurn(redis, empty, 'j9', 30000)).toEqual({ kind: 'acquired', cancelledBy: null });
    expect(await redis.lrange(keys.hostQueue(empty), 0, -1)).toEqual(['j9']);
    expect(await redis.get(keys.hostLock(empty))).toBe('j9');
  });

  it('reports who cancelled the job when it gets its turn', async () => {
    const host = newHost();
    const jobId = `j-${randomUUID().slice(0, 8)}`;
    await redis.rpush(keys.hostQueue(host), jobId);
    await redis.set(keys.cancelled(jobId), 'U123', 'EX', 60);
    try {
      expect(await takeHostTurn(redis, host, jobId, 30000)).toEqual({ kind: 'acquired', cancelledBy: 'U123' });
    } finally {
      await redis.del(keys.cancelled(jobId));
    }
  });

  it('many concurrent takers on two connections: exactly one holds the host, the head of the list', async () => {
    const host = newHost();
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    await redis.rpush(keys.hostQueue(host), ...ids);
    const turns = await Promise.all([...ids].reverse().map((id, i) => takeHostTurn(i % 2 === 0 ? redis : other, host, id, 30000)));
    const acquired = turns.filter((t) => t.kind === 'acquired');
    expect(acquired).toHaveLength(1);
    expect(turns[ids.length - 1]).toEqual({ kind: 'acquired', cancelledBy: null });
    expect(await redis.get(keys.hostLock(host))).toBe('c0');
  });
});
