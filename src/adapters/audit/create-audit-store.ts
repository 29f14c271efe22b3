import type { Redis } from 'ioredis';
import type { Config } from '../../../config/schema';
import { RedisAuditStore } from '../redis/redis-audit-store';
import { FileAuditSink } from './file-audit-sink';

/** The audit store for a process: Redis (append-only, hash-chained), mirrored to `audit.file` when configured. */
export function createAuditStore(redis: Redis, config: Config): RedisAuditStore {
  return new RedisAuditStore(redis, config.audit.file !== undefined ? { mirror: new FileAuditSink(config.audit.file) } : {});
}
