import type { Redis } from 'ioredis';
import type { Plan } from '../../core/rollout/plan';
import type { ApprovalRecord, ApprovalState, ApprovalStorePort, ApproveOutcome } from '../../ports/approval-store-port';
import { keys } from './keys';
import { loadLua } from './lua/load-lua';

/** Approvals are kept this long after they expire: a late press on an old card still gets a clear answer. */
const KEEP_SECONDS = 7 * 24 * 3600;

/** KEYS: approval hash, pending set. ARGV: id, expiresAt, ttl, then field/value pairs. 0 when it exists already. */
const CREATE = loadLua('approval-create');

/**
 * KEYS: approval hash, approvers list, pending set, starting set. ARGV: user, plan hash, now, id, ttl seconds, then
 * earlier approvers who no longer count (removed before counting). Checks state, expiry, plan hash and duplicates
 * before any write; returns {status, approver...}.
 */
const APPROVE = loadLua('approval-approve');

/** KEYS: approval hash, pending set. ARGV: state, by, reason, now, id. 1 when this call closed it. */
const CLOSE = loadLua('approval-close');

/** ApprovalStorePort on Redis: a hash per approval, a list of approvers, a sorted set of pending ones by expiry. */
export class RedisApprovalStore implements ApprovalStorePort {
  constructor(private readonly redis: Redis) {}

  private ttl(plan: Pick<Plan, 'expiresAt'>): number {
    return Math.max(60, Math.ceil((plan.expiresAt - Date.now()) / 1000)) + KEEP_SECONDS;
  }

  async create(plan: Plan): Promise<boolean> {
    const fields = [
      'plan',
      JSON.stringify(plan),
      'state',
      'pending',
      'expiresAt',
      String(plan.expiresAt),
      'hash',
      plan.hash,
      'required',
      String(plan.gate === 'confirm' ? 1 : plan.requiredApprovals), // a confirmation: the requester's one press
    ];
    return (
      Number(
        await this.redis.eval(
          CREATE.source,
          2,
          keys.approval(plan.id),
          keys.approvalsPending,
          plan.id,
          String(plan.expiresAt),
          String(this.ttl(plan)),
          ...fields,
        ),
      ) === 1
    );
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    const [all, by] = await Promise.all([this.redis.hgetall(keys.approval(id)), this.redis.lrange(keys.approvalBy(id), 0, -1)]);
    if (all.plan === undefined) return undefined;
    const record: ApprovalRecord = { plan: JSON.parse(all.plan) as Plan, state: (all.state ?? 'pending') as ApprovalState, approvedBy: by };
    if (all.cardTs !== undefined) record.cardTs = all.cardTs;
    if (all.decidedBy !== undefined) record.decidedBy = all.decidedBy;
    if (all.reason !== undefined) record.reason = all.reason;
    if (all.decidedAt !== undefined) record.decidedAt = Number(all.decidedAt);
    return record;
  }

  async setCard(id: string, ts: string): Promise<void> {
    await this.redis.hset(keys.approval(id), 'cardTs', ts);
  }

  async approve(id: string, userId: string, hash: string, now: number, drop: readonly string[] = []): Promise<ApproveOutcome> {
    const expiresAt = await this.redis.hget(keys.approval(id), 'expiresAt');
    const ttl = this.ttl({ expiresAt: expiresAt === null ? now : Number(expiresAt) });
    const reply = (await this.redis.eval(
      APPROVE.source,
      4,
      keys.approval(id),
      keys.approvalBy(id),
      keys.approvalsPending,
      keys.approvalsStarting,
      userId,
      hash,
      String(now),
      id,
      String(ttl),
      ...drop,
    )) as string[];
    const [status, ...approvedBy] = reply;
    if (status === 'added' || status === 'complete') return { status, approvedBy };
    if (status === 'duplicate' || status === 'not_pending' || status === 'expired' || status === 'plan_mismatch') return { status };
    return { status: 'unknown' };
  }

  async close(
    id: string,
    state: Exclude<ApprovalState, 'pending' | 'approved'>,
    by: string,
    reason: string,
    now: number,
  ): Promise<boolean> {
    return (
      Number(await this.redis.eval(CLOSE.source, 2, keys.approval(id), keys.approvalsPending, state, by, reason, String(now), id)) === 1
    );
  }

  async unstarted(before: number): Promise<string[]> {
    return this.redis.zrangebyscore(keys.approvalsStarting, 0, before);
  }

  async markStarted(id: string): Promise<void> {
    await this.redis.zrem(keys.approvalsStarting, id);
  }

  async due(now: number): Promise<string[]> {
    return this.redis.zrangebyscore(keys.approvalsPending, 0, now);
  }

  async pending(): Promise<ApprovalRecord[]> {
    const ids = await this.redis.zrange(keys.approvalsPending, '0', '99');
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is ApprovalRecord => r !== undefined && r.state === 'pending');
  }
}
