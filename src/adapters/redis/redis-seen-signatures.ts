import type { Redis } from 'ioredis';
import { memorySeenSignatures, type SeenSignature } from '../slack/request-guard';
import { keys } from './keys';

/** Replay protection shared by every bot replica (Redis SET NX PX); this process's memory while Redis is away. */
export function redisSeenSignatures(redis: Redis, ttlMs = 6 * 60 * 1000): SeenSignature {
  const fallback = memorySeenSignatures(ttlMs);
  return async (signature) => {
    if (redis.status !== 'ready') return fallback(signature);
    try {
      return (await redis.set(keys.seenSignature(signature), '1', 'PX', ttlMs, 'NX')) !== 'OK';
    } catch {
      return fallback(signature);
    }
  };
}
