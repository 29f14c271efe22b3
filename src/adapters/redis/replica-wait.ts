import type { Redis } from 'ioredis';

/** How many replicas must confirm a write that must survive a failover, and for how long to wait for them. */
export interface ReplicaWait {
  replicas: number;
  timeoutMs: number;
}

/** The replica wait of each connection made from a REDIS_URL that asks for one (`?waitReplicas=N`). */
const waits = new WeakMap<Redis, ReplicaWait>();

/** Marks a connection's writes as needing {@link ReplicaWait} (connectRedis does, from the URL). */
export function requireReplicas(redis: Redis, wait: ReplicaWait): void {
  if (wait.replicas > 0) waits.set(redis, wait);
}

/** Redis took a write, but not enough replicas confirmed it in time: it may be lost if the primary fails now. */
export class NotReplicatedError extends Error {}

/**
 * When the connection's URL asked for it: resolves once `replicas` replicas hold every write this connection made
 * so far (Redis WAIT), rejects with NotReplicatedError when they do not within the timeout. A no-op otherwise.
 */
export async function confirmReplicated(redis: Redis): Promise<void> {
  const wait = waits.get(redis);
  if (wait === undefined) return;
  const got = await redis.wait(wait.replicas, wait.timeoutMs);
  if (got < wait.replicas) {
    throw new NotReplicatedError(
      `only ${got} of ${wait.replicas} Redis replica(s) confirmed the write within ${wait.timeoutMs} ms (a failover or a lagging replica)`,
    );
  }
}
