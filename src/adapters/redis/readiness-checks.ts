import type { Redis } from 'ioredis';
import type { ReadinessCheck } from '../http/readiness';
import { explainRedisError, trackRedisError } from './explain-redis-error';
import { liveWorkers } from './worker-heartbeat';

/** Redis answers PING on this connection; when it does not connect, the detail says why (an authentication failure named, with the fix). */
export function redisPingCheck(redis: Redis): ReadinessCheck {
  const lastError = trackRedisError(redis);
  return {
    name: 'redis',
    run: async () => {
      if (redis.status !== 'ready') {
        const last = lastError();
        if (last === undefined) throw new Error(`not connected (${redis.status})`);
        const failure = explainRedisError(last);
        throw new Error(`not connected (${redis.status}): ${failure.reason}; ${failure.fix}`);
      }
      return `PING ${await redis.ping()}`;
    },
  };
}

/** At least one worker's heartbeat is fresh: queued jobs will run. */
export function liveWorkersCheck(redis: Redis): ReadinessCheck {
  return {
    name: 'workers',
    run: async () => {
      const alive = await liveWorkers(redis);
      if (alive.length === 0) throw new Error('no live worker (no fresh heartbeat): start `srs-chatops worker`');
      return `${alive.length} alive`;
    },
  };
}
