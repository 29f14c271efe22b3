import type { RequestListener } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAME } from '../redis/keys';

/**
 * Bull Board over the verb queue, for operators. Read-only: retrying, promoting or removing a job from the board
 * would bypass the bot's policy and the audit log, so the board only shows (jobs, their data, results, failures).
 * Served under `basePath` by whoever mounts `handler` (the ops server, behind authentication).
 */
export function createQueueDashboard(redis: Redis, basePath: string): { handler: RequestListener; close: () => Promise<void> } {
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  queue.on('error', () => undefined);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: true })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'srs-chatops' } },
  });
  // getRouter() is typed `any` by Bull Board; it is an Express application, which is a node request listener.
  const handler = serverAdapter.getRouter() as RequestListener;
  return { handler, close: () => queue.close() };
}
