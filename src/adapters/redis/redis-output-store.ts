import type { Redis } from 'ioredis';
import type { OutputStorePort, StoredOutput } from '../../ports/output-store-port';
import { keys } from './keys';

/** A stored value that is a StoredOutput of this version (anything else reads as absent). */
function parse(raw: string | null): StoredOutput | undefined {
  if (raw === null) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<StoredOutput>;
    return v.v === 1 && typeof v.text === 'string' && typeof v.sha256 === 'string' && typeof v.jobId === 'string'
      ? (v as StoredOutput)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The jobs' full output in Redis: one key per job, expiring at the output's `expiresAt` (`output.retentionMs` after it
 * was saved: Redis deletes it, so clocks of other machines never matter for the delete itself).
 */
export function redisOutputStore(redis: Redis): OutputStorePort {
  return {
    save: async (output) => {
      const ttlMs = Math.max(1000, output.expiresAt - output.savedAt);
      await redis.set(keys.output(output.jobId), JSON.stringify(output), 'PX', ttlMs);
    },
    get: async (jobId) => parse(await redis.get(keys.output(jobId))),
  };
}
