import type { Redis } from 'ioredis';
import type { ChainHead } from '../../core/audit/chain-verifier';
import type { AnchorSource } from '../../ports/anchor-port';
import { auditKeys, type AuditKeys } from '../audit/audit-keys';
import { readHead } from '../audit/read-head';

/** A claim lasts a day: an idle log's head is published again once a day at most. */
const CLAIM_TTL_S = 24 * 3600;

/** The head of the audit log in Redis, and per-seq publication claims (`<prefix>:anchored:<seq>`, SET NX EX). */
export class RedisAnchorSource implements AnchorSource {
  private readonly keys: AuditKeys;

  constructor(
    private readonly redis: Redis,
    prefix?: string,
  ) {
    this.keys = auditKeys(prefix);
  }

  head(): Promise<ChainHead | undefined> {
    return readHead(this.redis, this.keys);
  }

  async claim(seq: number): Promise<boolean> {
    return (await this.redis.set(this.claimKey(seq), '1', 'EX', CLAIM_TTL_S, 'NX')) === 'OK';
  }

  async release(seq: number): Promise<void> {
    await this.redis.del(this.claimKey(seq));
  }

  private claimKey(seq: number): string {
    return `${this.keys.prefix}:anchored:${seq}`;
  }
}
