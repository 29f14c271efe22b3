import type { Redis } from 'ioredis';
import { ChatopsError, ErrorCode } from '../../core/errors';
import type { JobQueuePort } from '../../ports/job-queue-port';
import { confirmReplicated, expectReplicas, NotReplicatedError } from '../redis/replica-wait';

/** The accept path's writes: the bot says "Queued" only once a replica holds them (when REDIS_URL asks for it). */
const ACCEPTS = new Set<PropertyKey>(['enqueue', 'enqueueFanOut']);

/**
 * The queue, with every enqueue confirmed on the replicas REDIS_URL asks for (`?waitReplicas=N`) before it resolves:
 * WAIT on `redis` (the connection the queue and the request store write with, so the request record is covered too).
 * When the replicas do not confirm in time, the enqueue rejects (queue_unavailable) and the bot does not say "Queued";
 * when fewer replicas than asked for are connected (a failover), it rejects before it queues anything.
 */
export function replicatedQueue<Q extends JobQueuePort>(queue: Q, redis: Redis): Q {
  return new Proxy(queue, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!ACCEPTS.has(prop)) return method.bind(target);
      return async (...args: unknown[]) => {
        // No replica to confirm it (a failover): nothing is queued, and the bot says so (never "it may still run").
        await expectReplicas(redis).catch((err: unknown) => {
          const why = err instanceof NotReplicatedError ? err.message : 'Redis did not answer ROLE';
          throw new ChatopsError(
            ErrorCode.QueueUnavailable,
            `the job queue (Redis) cannot make a request safe now (${why}); nothing was queued.`,
            {
              retryable: true,
              cause: err,
            },
          );
        });
        const receipt = await method.apply(target, args);
        await confirmReplicated(redis).catch((err: unknown) => {
          const why = err instanceof NotReplicatedError ? err.message : 'Redis did not answer WAIT';
          throw new ChatopsError(
            ErrorCode.QueueUnavailable,
            `the job queue (Redis) took the request but could not make it safe (${why}); it may still run: check /srs jobs before trying again.`,
            { retryable: true, cause: err },
          );
        });
        return receipt;
      };
    },
  });
}
