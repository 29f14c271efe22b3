import type { Redis } from 'ioredis';
import { keys } from './keys';

/** Options of {@link startWorkerHeartbeat}. */
export interface HeartbeatOptions {
  /** How often the beat is renewed. @defaultValue 5000 */
  intervalMs?: number;
  /** How long a beat lasts without renewal. @defaultValue 3 × intervalMs */
  ttlMs?: number;
  onError?: (err: unknown) => void;
}

/** Marks this worker alive in Redis until stopped; stopping removes the mark at once (a clean exit is seen at once). */
export function startWorkerHeartbeat(redis: Redis, workerId: string, o: HeartbeatOptions = {}): { stop: () => Promise<void> } {
  const intervalMs = o.intervalMs ?? 5000;
  const ttlMs = o.ttlMs ?? intervalMs * 3;
  const beat = () =>
    redis
      .multi()
      .set(keys.workerBeat(workerId), String(Date.now()), 'PX', ttlMs)
      .sadd(keys.workers, workerId)
      .exec()
      .then(() => undefined, o.onError ?? (() => undefined));
  void beat();
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await redis
        .multi()
        .del(keys.workerBeat(workerId))
        .srem(keys.workers, workerId)
        .exec()
        .catch(o.onError ?? (() => undefined));
    },
  };
}

/** Ids of the workers whose beat is fresh; forgets those whose beat expired. Rejects when Redis cannot be read. */
export async function liveWorkers(redis: Redis): Promise<string[]> {
  const ids = await redis.smembers(keys.workers);
  if (ids.length === 0) return [];
  const beats = await redis.mget(ids.map((id) => keys.workerBeat(id)));
  const dead = ids.filter((_, i) => beats[i] === null);
  if (dead.length > 0) await redis.srem(keys.workers, ...dead);
  return ids.filter((_, i) => beats[i] !== null);
}
