import type { Redis } from 'ioredis';
import type { JobEvent, JobEventPublisher } from '../../ports/job-queue-port';
import { keys } from './keys';

/** Events kept in the stream (approximate trim); the bot acknowledges what it delivered long before. */
const MAX_EVENTS = 100000;

/** Publishes job events to a Redis stream that the bot reads with a consumer group (at-least-once). */
export class RedisJobEvents implements JobEventPublisher {
  constructor(private readonly redis: Redis) {}

  async publish(event: JobEvent): Promise<void> {
    await this.redis.xadd(keys.events, 'MAXLEN', '~', String(MAX_EVENTS), '*', 'event', JSON.stringify(event));
  }
}
