import type { Redis } from 'ioredis';
import { explainRedisError, trackRedisError } from '../../adapters/redis/explain-redis-error';
import { connectRedis, redactRedisUrl } from '../../adapters/redis/redis-connection';
import type { Finding } from './finding';

/** What doctor reads from Redis: `CONFIG GET` values (absent when CONFIG is disabled) and `INFO persistence`. */
export interface RedisSettings {
  config?: Record<string, string>;
  /** Why CONFIG GET could not be read (managed Redis often disables it). */
  configError?: string;
  info: Record<string, string>;
}

/** One setting doctor checks: when it applies, whether it holds, what it shows, and the fix when it does not. */
interface SettingCheck {
  check: string;
  applies: (s: RedisSettings) => boolean;
  ok: (s: RedisSettings) => boolean;
  detail: (s: RedisSettings) => string;
  fix: string;
  /** A warning only: the bot works, but loses something it should keep. */
  warnOnly?: boolean;
  /** Shown only when it fails (a write status that is fine says nothing worth a line). */
  onlyWhenFailing?: boolean;
}

const setting = (s: RedisSettings, name: string): string => s.config?.[name] ?? '?';
const info = (s: RedisSettings, name: string): string | undefined => s.info[name];

/** Persistence and eviction settings the queue and the audit log rely on, in the order doctor shows them. */
const SETTING_CHECKS: readonly SettingCheck[] = [
  {
    check: 'redis settings',
    applies: (s) => !s.config,
    ok: () => false,
    detail: (s) => `CONFIG GET refused (${s.configError ?? '?'})`,
    fix: 'check appendonly yes and maxmemory-policy noeviction in your Redis provider',
    warnOnly: true,
  },
  {
    check: 'redis persistence',
    applies: (s) => s.config !== undefined,
    ok: (s) => setting(s, 'appendonly') === 'yes',
    detail: (s) => `appendonly ${setting(s, 'appendonly')}`,
    fix: 'enable AOF so queued jobs and the audit log survive a Redis restart: redis-cli CONFIG SET appendonly yes (and appendonly yes in redis.conf)',
    warnOnly: true,
  },
  {
    check: 'redis fsync',
    applies: (s) => s.config !== undefined && setting(s, 'appendonly') === 'yes',
    ok: (s) => ['everysec', 'always'].includes(setting(s, 'appendfsync')),
    detail: (s) => `appendfsync ${setting(s, 'appendfsync')}`,
    fix: 'redis-cli CONFIG SET appendfsync everysec (and in redis.conf): with `no`, a crash loses what the OS had not written',
    warnOnly: true,
  },
  {
    check: 'redis eviction',
    applies: (s) => s.config !== undefined,
    ok: (s) => setting(s, 'maxmemory-policy') === 'noeviction',
    detail: (s) => `maxmemory-policy ${setting(s, 'maxmemory-policy')}`,
    fix: 'redis-cli CONFIG SET maxmemory-policy noeviction (and in redis.conf): evicting keys loses jobs, locks and audit records (BullMQ requires noeviction)',
  },
  {
    check: 'redis aof writes',
    applies: (s) => info(s, 'aof_last_write_status') !== undefined,
    ok: (s) => info(s, 'aof_last_write_status') === 'ok',
    detail: (s) => `aof_last_write_status ${info(s, 'aof_last_write_status') ?? '?'}`,
    fix: 'Redis cannot write its AOF: check the disk (space, permissions) of its data directory',
    onlyWhenFailing: true,
  },
  {
    check: 'redis snapshots',
    applies: (s) => info(s, 'rdb_last_bgsave_status') !== undefined,
    ok: (s) => info(s, 'rdb_last_bgsave_status') === 'ok',
    detail: (s) => `rdb_last_bgsave_status ${info(s, 'rdb_last_bgsave_status') ?? '?'}`,
    fix: 'Redis cannot write its snapshot: check the disk of its data directory (with stop-writes-on-bgsave-error it refuses writes)',
    onlyWhenFailing: true,
  },
];

/** Persistence and eviction settings the queue and the audit log rely on, each with the fix when it is wrong. */
export function assessRedisSettings(s: RedisSettings): Finding[] {
  return SETTING_CHECKS.flatMap((c): Finding[] => {
    if (!c.applies(s)) return [];
    const ok = c.ok(s);
    if (ok && c.onlyWhenFailing) return [];
    return [
      { host: '-', check: c.check, ok, detail: c.detail(s), ...(ok ? {} : { fix: c.fix }), ...(c.warnOnly ? { warnOnly: true } : {}) },
    ];
  });
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
    redis = connectRedis(url, {
      lazyConnect: true,
      sentinelRetryStrategy: () => null,
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
