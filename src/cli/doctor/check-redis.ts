import { Redis } from 'ioredis';
import { explainRedisError, trackRedisError } from '../../adapters/redis/explain-redis-error';
import { redactRedisUrl } from '../../adapters/redis/redis-connection';
import type { Finding } from './finding';

/** What doctor reads from Redis: `CONFIG GET` values (absent when CONFIG is disabled) and `INFO persistence`. */
export interface RedisSettings {
  config?: Record<string, string>;
  /** Why CONFIG GET could not be read (managed Redis often disables it). */
  configError?: string;
  info: Record<string, string>;
}

const fix = (text: string) => ({ fix: text });

/** Persistence and eviction settings the queue and the audit log rely on, each with the fix when it is wrong. */
export function assessRedisSettings(s: RedisSettings): Finding[] {
  const row = (check: string, ok: boolean, detail: string, f: string, warnOnly = false): Finding => ({
    host: '-',
    check,
    ok,
    detail,
    ...(ok ? {} : fix(f)),
    ...(warnOnly ? { warnOnly } : {}),
  });
  const out: Finding[] = [];
  const c = s.config;
  if (!c) {
    out.push(
      row(
        'redis settings',
        false,
        `CONFIG GET refused (${s.configError ?? '?'})`,
        'check appendonly yes and maxmemory-policy noeviction in your Redis provider',
        true,
      ),
    );
  } else {
    const aof = c.appendonly ?? '?';
    out.push(
      row(
        'redis persistence',
        aof === 'yes',
        `appendonly ${aof}`,
        'enable AOF so queued jobs and the audit log survive a Redis restart: redis-cli CONFIG SET appendonly yes (and appendonly yes in redis.conf)',
        true,
      ),
    );
    if (aof === 'yes') {
      const fsync = c.appendfsync ?? '?';
      out.push(
        row(
          'redis fsync',
          fsync === 'everysec' || fsync === 'always',
          `appendfsync ${fsync}`,
          'redis-cli CONFIG SET appendfsync everysec (and in redis.conf): with `no`, a crash loses what the OS had not written',
          true,
        ),
      );
    }
    const policy = c['maxmemory-policy'] ?? '?';
    out.push(
      row(
        'redis eviction',
        policy === 'noeviction',
        `maxmemory-policy ${policy}`,
        'redis-cli CONFIG SET maxmemory-policy noeviction (and in redis.conf): evicting keys loses jobs, locks and audit records (BullMQ requires noeviction)',
      ),
    );
  }
  const aofWrite = s.info.aof_last_write_status;
  if (aofWrite !== undefined && aofWrite !== 'ok')
    out.push(
      row(
        'redis aof writes',
        false,
        `aof_last_write_status ${aofWrite}`,
        'Redis cannot write its AOF: check the disk (space, permissions) of its data directory',
      ),
    );
  const rdb = s.info.rdb_last_bgsave_status;
  if (rdb !== undefined && rdb !== 'ok')
    out.push(
      row(
        'redis snapshots',
        false,
        `rdb_last_bgsave_status ${rdb}`,
        'Redis cannot write its snapshot: check the disk of its data directory (with stop-writes-on-bgsave-error it refuses writes)',
      ),
    );
  return out;
}

function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** Connects once (no retries), then reads and assesses the settings. */
export async function checkRedis(url: string): Promise<Finding[]> {
  const shown = redactRedisUrl(url);
  const failed = (message: string): Finding[] => {
    const failure = explainRedisError(message);
    return [{ host: '-', check: 'redis', ok: false, detail: `${shown}: ${failure.reason}`, fix: failure.fix }];
  };
  let redis: Redis;
  try {
    redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
  } catch (err) {
    return failed(err instanceof Error ? err.message : String(err)); // not a URL (the error's own `input` holds the password)
  }
  // ioredis rejects with "Connection is closed" once it gives up; the error event says why (refused, WRONGPASS ...).
  const lastError = trackRedisError(redis);
  try {
    await redis.connect();
    await redis.ping();
    const settings: RedisSettings = { info: parseInfo(await redis.info('persistence')) };
    try {
      const pairs = (await redis.config('GET', 'appendonly')).concat(
        await redis.config('GET', 'appendfsync'),
        await redis.config('GET', 'maxmemory-policy'),
      );
      settings.config = Object.fromEntries(pairs.flatMap((v, i) => (i % 2 === 0 ? [[v, pairs[i + 1] ?? '']] : [])));
    } catch (err) {
      settings.configError = err instanceof Error ? err.message : String(err);
    }
    return [{ host: '-', check: 'redis', ok: true, detail: shown }, ...assessRedisSettings(settings)];
  } catch (err) {
    return failed(lastError() ?? (err instanceof Error ? err.message : String(err)));
  } finally {
    redis.disconnect();
  }
}
