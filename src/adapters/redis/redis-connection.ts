import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection for a Slack-facing producer: fails fast when Redis is down (no offline queue, one try), so a
 * command is answered within Slack's 3 s instead of hanging.
 */
export function producerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1500, lazyConnect: false, ...extra });
}

/** A connection for BullMQ workers and blocking readers: waits for Redis to come back. */
export function workerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...extra });
}
