import type { Redis } from 'ioredis';
import { keys } from '../src/adapters/redis/keys';

/** A mark, per job, that a state-changing command may have left for the host. */
export interface VerbCheckpoint {
  /** The command sent (or about to be), if a previous run of this job got that far. */
  load(): Promise<{ action: string; at: number; worker: string } | undefined>;
  /** Recorded before every state-changing command is sent. */
  mark(action: string): Promise<void>;
}

const TTL_SECONDS = 2 * 24 * 3600;

/** The checkpoint of one job in Redis: it outlives the worker, so the next run knows not to send blindly again. */
export function redisVerbCheckpoint(redis: Redis, jobId: string, worker: string): VerbCheckpoint {
  const key = keys.verbCheckpoint(jobId);
  return {
    load: async () => {
      const raw = await redis.get(key);
      return raw === null ? undefined : (JSON.parse(raw) as { action: string; at: number; worker: string });
    },
    mark: async (action) => {
      await redis.set(key, JSON.stringify({ action, at: Date.now(), worker }), 'EX', TTL_SECONDS);
    },
  };
}
