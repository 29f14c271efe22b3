import type { Redis } from 'ioredis';
import { explainRedisError } from '../../adapters/redis/explain-redis-error';
import { connectRedis, redactRedisUrl } from '../../adapters/redis/redis-connection';
import { RedisAuditStore } from '../../adapters/redis/redis-audit-store';
import { AUDIT_EXIT, runExport, runTail, runVerify, runVerifyFile } from './audit-commands';
import type { AuditOutput } from './audit-output';
import { AUDIT_USAGE, AuditUsageError, parseAuditArgs } from './parse-audit-args';

/** Options of {@link runAudit}. */
export interface RunAuditOptions {
  /** Ends `tail --follow`. */
  signal?: AbortSignal;
  /** Clock for `--since 7d`. @defaultValue Date.now */
  now?: () => number;
}

/**
 * `srs-chatops audit export|tail|verify` against the Redis of `REDIS_URL` (default `redis://127.0.0.1:6379`).
 * Returns the exit code: 0 ok, 1 the chain does not hold (verify), 2 usage error, 3 Redis not reachable or failing.
 */
export async function runAudit(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: AuditOutput,
  options: RunAuditOptions = {},
): Promise<number> {
  let args;
  try {
    args = parseAuditArgs(argv, (options.now ?? Date.now)());
  } catch (err) {
    if (!(err instanceof AuditUsageError)) throw err;
    io.err(`srs-chatops audit: ${err.message}\n\n${AUDIT_USAGE}`);
    return AUDIT_EXIT.usage;
  }
  if (args.command === 'help') {
    await io.out(AUDIT_USAGE);
    return AUDIT_EXIT.ok;
  }
  if (args.command === 'verify' && args.file !== undefined) return runVerifyFile({ ...args, file: args.file }, io); // no Redis
  const url = env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const unavailable = (message: string): number => {
    const failure = explainRedisError(message);
    io.err(
      `srs-chatops audit: cannot ${failure.auth ? 'log in to' : 'reach'} Redis at ${redactRedisUrl(url)} (${failure.reason}): ${failure.fix}\n`,
    );
    return AUDIT_EXIT.unavailable;
  };
  let redis: Redis;
  try {
    redis = connectRedis(url, {
      lazyConnect: true,
      sentinelRetryStrategy: () => null,
      connectTimeout: 3000,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      disconnectTimeout: 200,
    });
  } catch (err) {
    return unavailable(err instanceof Error ? err.message : String(err)); // not a URL
  }
  let cause = '';
  redis.on('error', (err: Error) => (cause = err.message)); // surfaced by the command that fails
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    return unavailable(cause || (err instanceof Error ? err.message : String(err)));
  }
  const store = new RedisAuditStore(redis);
  try {
    if (args.command === 'export') return await runExport(store, args, io);
    if (args.command === 'tail') return await runTail(store, args, io, options.signal);
    return await runVerify(store, args, io);
  } catch (err) {
    io.err(`srs-chatops audit ${args.command}: ${err instanceof Error ? err.message : String(err)}\n`);
    return AUDIT_EXIT.unavailable;
  } finally {
    redis.disconnect();
  }
}
