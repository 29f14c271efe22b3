import type { Redis } from 'ioredis';
import type { ReadinessCheck } from '../http/readiness';
import { liveWorkers } from './worker-heartbeat';

/** Redis answers PING on this connection. */
export function redisPingCheck(redis: Redis): ReadinessCheck {
  return {
    name: 'redis',
    run: async () => {
      if (redis.status !== 'ready') throw new Error(`not connected (${redis.status})`);
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
