import type { Redis } from 'ioredis';
import type { Config } from '../../../config/schema';
import { RedisAuditStore } from '../redis/redis-audit-store';
import { FileAuditSink } from './file-audit-sink';

/**
 * The audit store for a process: Redis (append-only, hash-chained), mirrored to `audit.file` when configured (pass
 * `file` to share that sink, e.g. with the bot's anchors).
 */
export function createAuditStore(redis: Redis, config: Config, file: FileAuditSink | undefined = auditFileSink(config)): RedisAuditStore {
  return new RedisAuditStore(redis, file !== undefined ? { mirror: file } : {});
}

/** The `audit.file` sink of a process, when configured. */
export function auditFileSink(config: Config): FileAuditSink | undefined {
  return config.audit.file !== undefined ? new FileAuditSink(config.audit.file) : undefined;
}
