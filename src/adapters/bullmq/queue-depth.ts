import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAME } from '../redis/keys';

/** States reported as queue depth (a job waiting for its busy host is `delayed` between looks). */
const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;

/**
 * Reads the verb queue's job counts by state (for the queue depth gauge). Rejects at once while the connection is not
 * ready (Redis down, or refusing the password): BullMQ would wait for it with no time limit.
 */
export function queueDepthReader(redis: Redis): { read: () => Promise<Record<string, number>>; close: () => Promise<void> } {
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  queue.on('error', () => undefined);
  const read = () =>
    redis.status === 'ready' ? queue.getJobCounts(...STATES) : Promise.reject(new Error(`redis not connected (${redis.status})`));
  return { read, close: () => queue.close() };
}
