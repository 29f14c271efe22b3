import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAME } from '../redis/keys';

/** States reported as queue depth (a job waiting for its busy host is `delayed` between looks). */
const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;

/** Reads the verb queue's job counts by state (for the queue depth gauge). */
export function queueDepthReader(redis: Redis): { read: () => Promise<Record<string, number>>; close: () => Promise<void> } {
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  queue.on('error', () => undefined);
  return { read: () => queue.getJobCounts(...STATES), close: () => queue.close() };
}
