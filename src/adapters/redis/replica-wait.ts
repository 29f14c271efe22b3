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
  // Fails fast when fewer replicas are connected than asked for (a failover: the old primary lost its replica, the new
  // one has none until the old one rejoins): WAIT would block this connection, and every command queued behind it on
  // it (a bot's accept path), for the whole timeout, for an answer known now.
  await expectReplicas(redis);
  const got = await redis.wait(wait.replicas, wait.timeoutMs);
  if (got < wait.replicas) {
    throw new NotReplicatedError(
      `only ${got} of ${wait.replicas} Redis replica(s) confirmed the write within ${wait.timeoutMs} ms (a failover or a lagging replica)`,
    );
  }
}

/**
 * When the connection's URL asks for replicas: rejects with NotReplicatedError, at once, when its server has fewer
 * connected than asked for (or is not a primary). A write that would not be confirmed is then not made at all (the
 * bot's accept path checks before it queues anything). A no-op otherwise.
 */
export async function expectReplicas(redis: Redis): Promise<void> {
  const wait = waits.get(redis);
  if (wait === undefined) return;
  const connected = await connectedReplicas(redis, wait.replicas);
  if (connected < wait.replicas) {
    throw new NotReplicatedError(
      `only ${connected} of ${wait.replicas} Redis replica(s) connected to the primary (a failover, or a replica down)`,
    );
  }
}

/** Connections whose user may not run ROLE (an ACL without @admin): WAIT alone answers for them. */
const noRole = new WeakSet<Redis>();

/**
 * How many replicas the connection's server has connected (ROLE): 0 when it is not a primary (demoted); the number
 * asked for when ROLE is not allowed (WAIT decides then).
 */
async function connectedReplicas(redis: Redis, asked: number): Promise<number> {
  if (noRole.has(redis)) return asked;
  try {
    const role = (await redis.role()) as [string, unknown, unknown[]?];
    return role[0] === 'master' && Array.isArray(role[2]) ? role[2].length : 0;
  } catch (err) {
    if (!(err instanceof Error) || !/NOPERM/.test(err.message)) throw err;
    noRole.add(redis);
    return asked;
  }
}
