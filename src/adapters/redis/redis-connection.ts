import { Redis, type RedisOptions } from 'ioredis';

import { explainRedisError } from './explain-redis-error';
import { redisTarget } from './redis-target';
import { requireReplicas } from './replica-wait';

export { redactRedisUrl } from './redact-redis-url';

/**
 * A connection for a Slack-facing producer: fails fast when Redis is down (no offline queue, one try), so a
 * command is answered within Slack's 3 s instead of hanging.
 */
export function producerConnection(url: string, extra: RedisOptions = {}): Redis {
  return connectRedis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1500, lazyConnect: false, ...extra });
}

/** A connection for BullMQ workers and blocking readers: waits for Redis to come back. */
export function workerConnection(url: string, extra: RedisOptions = {}): Redis {
  return connectRedis(url, { maxRetriesPerRequest: null, ...extra });
}

/**
 * A connection to the Redis of a REDIS_URL (`redis://`, `rediss://`, or `redis+sentinel://`: see redis-target.ts). With
 * Sentinel, it follows the primary across failovers; `duplicate()` (BullMQ's blocking connections) keeps that. Throws
 * RedisTargetError for a URL it cannot read.
 */
export function connectRedis(url: string, options: RedisOptions): Redis {
  const target = redisTarget(url);
  if (target.kind === 'direct') return new Redis(target.url, options);
  const redis = new Redis({ ...target.options, ...options });
  if (target.wait !== undefined) requireReplicas(redis, target.wait);
  return redis;
}

/** Resolves once the connection is ready, or false after `timeoutMs` (the caller decides whether that is fatal). */
export function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
}

/** Logs a connection's trouble once per outage (not once per reconnect attempt), and its recovery. */
export function logConnectionHealth(
  redis: Redis,
  logger: { warn: (o: object, m: string) => void; info: (o: object, m: string) => void },
  name: string,
): void {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    const failure = explainRedisError(err.message);
    logger.warn(
      { connection: name, err: failure.reason, fix: failure.fix },
      failure.auth ? 'redis refused the credentials; retrying' : 'redis unreachable; retrying',
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ connection: name }, 'redis reachable again');
  });
}
