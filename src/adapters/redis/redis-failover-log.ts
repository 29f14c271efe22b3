import type { Redis } from 'ioredis';
import type { FailoverLogPort, RedisFailover } from '../../ports/failover-log-port';
import { keys } from './keys';

/** Failovers are kept this long (a request older than that has long had its summary). */
const KEEP_MS = 30 * 24 * 3600 * 1000;
/** Sentinel announces one switch from every Sentinel: the same switch seen again within this time is the same one. */
const SAME_SWITCH_SECONDS = 300;

/** The failovers of Redis, in Redis (keys.failovers): recorded once, read by time. */
export class RedisFailoverLog implements FailoverLogPort {
  /** Recordings under way in this process: a read waits for them (a thread must not miss a switch seen a moment ago). */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly redis: Redis) {}

  /** Records a switch unless another process (or Sentinel) already did: resolves true for the one that recorded it. */
  record(f: RedisFailover): Promise<boolean> {
    const p = this.recordNow(f);
    const tracked = p.catch(() => undefined).finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
    return p;
  }

  /**
   * Marks a switch as being recorded until `done` settles (the caller retries {@link record} meanwhile): reads wait
   * for it.
   */
  track(done: Promise<unknown>): void {
    const tracked = done.catch(() => undefined).finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  private async recordNow(f: RedisFailover): Promise<boolean> {
    const first = await this.redis.set(keys.failoverSeen(f.name, f.from, f.to), String(f.at), 'EX', SAME_SWITCH_SECONDS, 'NX');
    if (first === null) return false;
    await this.redis
      .multi()
      .zadd(keys.failovers, f.at, JSON.stringify(f))
      .zremrangebyscore(keys.failovers, '-inf', f.at - KEEP_MS)
      .exec();
    return true;
  }

  async failoversBetween(from: number, to: number): Promise<RedisFailover[]> {
    await Promise.all([...this.inflight]);
    const members = await this.redis.zrangebyscore(keys.failovers, from, to);
    return members.flatMap((m) => {
      try {
        return [JSON.parse(m) as RedisFailover];
      } catch {
        return [];
      }
    });
  }
}
