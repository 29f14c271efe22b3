import type { Redis } from 'ioredis';

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
