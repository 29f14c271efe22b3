import type { Redis } from 'ioredis';
import type { GraceDecision } from '../../core/grace/grace-actions';
import type { GraceControlPort } from '../../ports/grace-control-port';
import { keys } from './keys';

const TTL_SECONDS = 7 * 24 * 3600;

/** Decisions for a following worker, as a Redis list per job (`RPUSH` by the bot, `LPOP` by the worker). */
export class RedisGraceControl implements GraceControlPort {
  constructor(private readonly redis: Redis) {}

  async send(jobId: string, decision: GraceDecision, by: string): Promise<void> {
    const key = keys.graceControl(jobId);
    await this.redis
      .multi()
      .rpush(key, JSON.stringify({ decision, by, at: Date.now() }))
      .expire(key, TTL_SECONDS)
      .exec();
  }

  /** The next decision for a job, if any (worker side). */
  async next(jobId: string): Promise<{ decision: GraceDecision; by: string } | undefined> {
    const raw = await this.redis.lpop(keys.graceControl(jobId));
    if (raw === null) return undefined;
    const parsed = JSON.parse(raw) as { decision: GraceDecision; by: string };
    return parsed;
  }
}
