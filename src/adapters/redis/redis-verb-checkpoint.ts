import type { Redis } from 'ioredis';
import type { CheckpointState, VerbCheckpoint } from '../../ports/checkpoint-port';
import { keys } from './keys';
import { confirmReplicated } from './replica-wait';

const TTL_SECONDS = 2 * 24 * 3600;

/** Reads a stored checkpoint, including the single-action form written before steps were kept. */
function parse(raw: string | null): CheckpointState | undefined {
  if (raw === null) return undefined;
  const v = JSON.parse(raw) as Partial<CheckpointState> & { action?: string; at?: number; worker?: string };
  const steps = Array.isArray(v.steps)
    ? v.steps
    : v.action !== undefined
      ? [{ action: v.action, worker: v.worker ?? '?', at: v.at ?? 0 }]
      : [];
  return { steps, ...(v.process !== undefined ? { process: v.process } : {}) };
}

/** The checkpoint of one job in Redis: the next run knows what was sent, so that it never sends it blindly again. */
export function redisVerbCheckpoint(redis: Redis, jobId: string, worker: string): VerbCheckpoint {
  const key = keys.verbCheckpoint(jobId);
  let earlier: Promise<CheckpointState | undefined> | undefined;
  let current: CheckpointState | undefined;
  const previous = (): Promise<CheckpointState | undefined> => (earlier ??= redis.get(key).then(parse));
  const update = async (change: (s: CheckpointState) => CheckpointState): Promise<CheckpointState> => {
    current = change(current ?? (await previous()) ?? { steps: [] });
    return current;
  };
  return {
    worker,
    previous,
    mark: async (action) => {
      const next = await update((s) => ({ ...s, steps: [...s.steps, { action, worker, at: Date.now() }] }));
      await redis.set(key, JSON.stringify(next), 'EX', TTL_SECONDS);
      // Sent only once a replica holds the mark (when REDIS_URL asks): a failover cannot forget that it was sent.
      await confirmReplicated(redis);
    },
    // Kept with the next mark: until a command is sent there is nothing a later run must know.
    noteProcess: async (process) => {
      await update((s) => ({ ...s, process }));
    },
  };
}
