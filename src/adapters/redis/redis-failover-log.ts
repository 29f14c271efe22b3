import type { Redis } from 'ioredis';
import type { FailoverLogPort, RedisFailover } from '../../ports/failover-log-port';
import { keys } from './keys';

/** Failovers are kept this long (a request older than that has long had its summary). */
const KEEP_MS = 30 * 24 * 3600 * 1000;
/** Sentinel announces one switch from every Sentinel: the same switch seen within one such window is the same one. */
const SAME_SWITCH_MS = 300_000;

/** The member of a switch: its window and its primaries (not the time each process heard it). */
function sameSwitch(window: string, f: RedisFailover): string {
  return `${window}${f.name}|${f.from}|${f.to}`;
}

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

  /**
   * One member per switch and time window (ZADD NX, one round trip, nothing half-written): every Sentinel's
   * announcement of one switch, in every process, lands on the same member; the first adds it.
   */
  private async recordNow(f: RedisFailover): Promise<boolean> {
    const window = `${Math.floor(f.at / SAME_SWITCH_MS)}|`;
    const [[, added] = [null, 0]] =
      (await this.redis
        .multi()
        .zadd(keys.failovers, 'NX', f.at, sameSwitch(window, f))
        .zremrangebyscore(keys.failovers, '-inf', f.at - KEEP_MS)
        .exec()) ?? [];
    return added === 1;
  }

  async failoversBetween(from: number, to: number): Promise<RedisFailover[]> {
    await Promise.all([...this.inflight]);
    const members = await this.redis.zrangebyscore(keys.failovers, from, to, 'WITHSCORES');
    const out: RedisFailover[] = [];
    for (let i = 0; i + 1 < members.length; i += 2) {
      const [, name = '', fromAddr = '', toAddr = ''] = (members[i] ?? '').split('|');
      out.push({ at: Number(members[i + 1]), name, from: fromAddr, to: toAddr });
    }
    return out;
  }
}
