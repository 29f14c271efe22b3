import type { Redis } from 'ioredis';
import { SENTINEL_FORM } from './redis-target';

/** A Redis connection failure put for an operator: what is wrong, and how to fix it. */
export interface RedisFailure {
  /** True when Redis refused the credentials (WRONGPASS, NOAUTH, a password Redis does not expect). */
  auth: boolean;
  /** What is wrong (Redis's own words kept in brackets). */
  reason: string;
  fix: string;
}

const UNREACHABLE_FIX = 'start Redis or set REDIS_URL to where it runs';
const CREDENTIALS_FIX =
  "set REDIS_URL with the password Redis expects (requirepass, or the ACL user's): redis://:PASSWORD@HOST:6379, redis://USER:PASSWORD@HOST:6379 for an ACL user, or ?password=PASSWORD; percent-encode @ : / ? # in it";

/**
 * Names a Redis error: an authentication failure as such, with the fix (ioredis itself only says "Connection is
 * closed" once it gives up after one). The message never holds the password (Redis does not echo it).
 */
export function explainRedisError(message: string): RedisFailure {
  const sentinel = explainSentinelError(message);
  if (sentinel !== undefined) return sentinel;
  if (/^(TypeError: )?Invalid URL/i.test(message)) {
    return {
      auth: false,
      reason: 'REDIS_URL is not a valid URL',
      fix: 'write it as redis://[USER:PASSWORD@]HOST:PORT[/DB] (rediss:// for TLS), percent-encoding @ : / ? # in the password',
    };
  }
  if (/without any password configured|no password is set/i.test(message)) {
    return {
      auth: true,
      reason: `authentication failed: REDIS_URL gives a password but this Redis has none (${message})`,
      fix: 'remove the password from REDIS_URL, or set requirepass on Redis',
    };
  }
  if (/^NOAUTH|authentication required/i.test(message)) {
    return {
      auth: true,
      reason: `authentication failed: Redis requires a password and REDIS_URL gives none (${message})`,
      fix: CREDENTIALS_FIX,
    };
  }
  if (/WRONGPASS|invalid username-password pair|invalid password|^ERR AUTH/i.test(message)) {
    return {
      auth: true,
      reason: `authentication failed: Redis refused the user or password in REDIS_URL (${message})`,
      fix: CREDENTIALS_FIX,
    };
  }
  return { auth: false, reason: message, fix: UNREACHABLE_FIX };
}

/**
 * Remembers the last error a connection reported until it is ready again, so a caller that only sees "Connection is
 * closed" or "not connected" can say why. Returns a reader of that error's message.
 */
export function trackRedisError(redis: Redis): () => string | undefined {
  let last: string | undefined;
  redis.on('error', (err: Error) => (last = err.message));
  redis.on('ready', () => (last = undefined));
  return () => last;
}

/** A REDIS_URL that cannot be read, or a Sentinel that cannot name the primary. */
function explainSentinelError(message: string): RedisFailure | undefined {
  if (/^REDIS_URL/.test(message))
    return { auth: false, reason: message, fix: `write it as redis://[USER:PASSWORD@]HOST:PORT[/DB] or ${SENTINEL_FORM}` };
  if (/sentinels are unreachable/i.test(message)) {
    return {
      auth: false,
      reason: `no Sentinel of REDIS_URL answers (${message})`,
      fix: 'start the Sentinels, or list in REDIS_URL the ones that run (HOST:PORT, comma-separated)',
    };
  }
  if (/no such master|does not monitor|master name/i.test(message) && /sentinel|master/i.test(message)) {
    return {
      auth: false,
      reason: `the Sentinels do not know the master name in REDIS_URL (${message})`,
      fix: "use the name of `sentinel monitor <name> …` in the Sentinels' config after the host list",
    };
  }
  return undefined;
}
