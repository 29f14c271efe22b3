import type { Redis } from 'ioredis';
import type { GroupLine } from '../../ports/job-queue-port';
import { parseSlotTurn, RENEW_GROUP_SLOTS, TAKE_GROUP_SLOTS, type SlotTurn } from './group-slots-take';
import { keys } from './keys';

export type { GroupWait, SlotTurn } from './group-slots-take';

/** How many waiting jobs of a group's line {@link GroupSlots.lines} reads. */
const LINE_LIMIT = 50;

/** The keys of one group, in the order the take script reads them. */
function groupKeys(group: string): string[] {
  return [keys.groupLine(group), keys.groupWaitLease(group), keys.groupSlots(group), keys.groupHosts(group), keys.groupTold(group)];
}

/**
 * The one owner of the per-group limits of hosts changing at once (`rolling.groups.<g>.concurrency`), across all
 * requests and workers: each group's slots (`srs-chatops:groupslots:<g>`, job ids scored by lease expiry), its FIFO
 * line of jobs waiting for one (`groupq`, by ticket, with a wait lease in `groupwait`), the hosts of those jobs
 * (`grouphosts`), the waits already reported (`grouptold`) and the ticket counter. The worker (take, renew, release)
 * and the bot (list, cancel) both go through it; no other code touches these keys
 * (test/unit/repo/group-slots-owner.test.ts checks it).
 *
 * A slot is a lease: renewed while the job runs, given back when it ends; a worker that dies stops renewing and the
 * slot frees itself when the lease lapses. A waiting job keeps its place while it keeps asking (its wait lease).
 */
export class GroupSlots {
  constructor(private readonly redis: Redis) {}

  /**
   * A slot in each of `limits`' groups for `jobId` (on `host`), all or nothing, or its place in their lines (see
   * group-slots-take.ts). One round trip. No limits: acquired at once, nothing asked.
   */
  async take(
    jobId: string,
    host: string,
    limits: Readonly<Record<string, number>>,
    slotTtlMs: number,
    waitTtlMs: number,
  ): Promise<SlotTurn> {
    const groups = Object.keys(limits).sort();
    if (groups.length === 0) return { kind: 'acquired' };
    const values = groups.map((g) => limits[g] ?? 1);
    const reply = await TAKE_GROUP_SLOTS.run(
      this.redis,
      [...groups.flatMap(groupKeys), keys.groupTicket],
      [jobId, String(slotTtlMs), String(waitTtlMs), host, ...values.map(String)],
    );
    return parseSlotTurn(reply, groups, values);
  }

  /** Extends the slot leases the job still holds; resolves to how many it holds (fewer than its groups: some lapsed). */
  async renew(jobId: string, groups: readonly string[], ttlMs: number): Promise<number> {
    if (groups.length === 0) return 0;
    return Number(
      await RENEW_GROUP_SLOTS.run(
        this.redis,
        groups.map((g) => keys.groupSlots(g)),
        [jobId, String(ttlMs)],
      ),
    );
  }

  /** The job is done with its groups (ran, cancelled, answered, found finished): out of their slots and lines. */
  async release(jobId: string, groups: readonly string[]): Promise<void> {
    if (groups.length === 0) return;
    const tx = this.redis.multi();
    for (const g of groups) {
      tx.zrem(keys.groupSlots(g), jobId).zrem(keys.groupLine(g), jobId).zrem(keys.groupWaitLease(g), jobId);
      tx.srem(keys.groupTold(g), jobId).hdel(keys.groupHosts(g), jobId);
    }
    await tx.exec();
  }

  /** Each group's holders (leases not lapsed, by Redis's clock) and first waiting jobs, in one pipeline. */
  async lines(groups: readonly string[]): Promise<Map<string, GroupLine>> {
    const out = new Map<string, GroupLine>();
    if (groups.length === 0) return out;
    const pipe = this.redis.pipeline().time();
    for (const g of groups) {
      pipe
        .zrange(keys.groupSlots(g), '0', '-1', 'WITHSCORES')
        .zrange(keys.groupLine(g), '0', String(LINE_LIMIT - 1))
        .hgetall(keys.groupHosts(g));
    }
    const replies = (await pipe.exec()) ?? [];
    const [sec, usec] = (replies[0]?.[1] as [string, string] | undefined) ?? [String(Date.now() / 1000), '0'];
    const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    groups.forEach((group, i) => {
      const slots = (replies[1 + 3 * i]?.[1] as string[] | undefined) ?? [];
      const line = (replies[2 + 3 * i]?.[1] as string[] | undefined) ?? [];
      const hosts = (replies[3 + 3 * i]?.[1] as Record<string, string> | undefined) ?? {};
      const holding: GroupLine['holding'] = [];
      for (let j = 0; j + 1 < slots.length; j += 2) {
        const jobId = slots[j] ?? '';
        if (Number(slots[j + 1]) > now) holding.push({ jobId, host: hosts[jobId] ?? '' });
      }
      out.set(group, { group, holding, waiting: line.map((jobId) => ({ jobId, host: hosts[jobId] ?? '' })) });
    });
    return out;
  }
}
