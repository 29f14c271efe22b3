import type { Redis } from 'ioredis';
import type { ChainHead } from '../../core/audit/chain-verifier';
import type { AuditKeys } from './audit-keys';

/** The chain head kept in Redis; undefined when there is none (an empty log, or a deleted head). */
export async function readHead(redis: Redis, keys: AuditKeys): Promise<ChainHead | undefined> {
  const [seq, hash] = await redis.hmget(keys.head, 'seq', 'hash');
  return seq === null || seq === undefined || hash === null || hash === undefined ? undefined : { seq: Number(seq), hash };
}
