import { loadLua } from './lua/load-lua';
import { luaScript } from './lua-script';

/**
 * Part of the group slots' owner (group-slots.ts): only GroupSlots runs this.
 *
 * A job's slots in the limits of hosts changing at once of its groups (`rolling.groups.<g>.concurrency`), in one atomic
 * step over all of them: lapsed leases dropped, then either a slot in every group (all or nothing, so two jobs never
 * each hold one group the other waits for) or a place in every group's line. Lines are FIFO: with `free` slots left
 * in a group, only the first `free` jobs of its line may take one, so nobody overtakes a job that asked first; and a
 * job has one ticket for all its lines, so any two jobs stand in the same order in every group they share (the first
 * of all waiting jobs is first everywhere: no deadlock). Times come from Redis's clock (TIME), never a worker's.
 * KEYS: per group, line, wait lease, slots, hosts, told; then the ticket counter.
 * ARGV: job id, slot lease (ms), wait lease (ms), host, then each group's limit.
 * Returns {'acquired'} or {'waiting', {groupIndex (1-based), rank, firstReport (0/1), holders, holderHosts, ahead}...}.
 */
export const TAKE_GROUP_SLOTS = luaScript(loadLua('group-slots-take').source);

/** Extends the slot leases a job still holds (lua/group-slots-renew.lua). */
export const RENEW_GROUP_SLOTS = luaScript(loadLua('group-slots-renew').source);

/** Why a job waits in one group. */
export interface GroupWait {
  group: string;
  limit: number;
  /** Jobs ahead of it in the group's line (0: it is next). */
  rank: number;
  /** True the first time this wait is reported (the thread says so once). */
  firstReport: boolean;
  /** The jobs holding the group's slots, and their hosts. */
  holders: Array<{ jobId: string; host: string }>;
  /** The first jobs ahead of it in line (at most 5). */
  ahead: string[];
}

/** What {@link GroupSlots.take} found. */
export type SlotTurn = { kind: 'acquired' } | { kind: 'waiting'; waits: GroupWait[] };

/** Reads the script's reply; `groups` and `limits` are the ones the script was run with, in the same order. */
export function parseSlotTurn(reply: unknown, groups: readonly string[], limits: readonly number[]): SlotTurn {
  const [kind, ...rest] = reply as [string, ...unknown[]];
  if (kind === 'acquired') return { kind };
  if (kind !== 'waiting') throw new Error(`take-group-slots: unexpected reply ${String(kind)}`);
  const waits = rest.map((entry): GroupWait => {
    const [index, rank, first, holders, hosts, ahead] = entry as [number, number, number, string[], Array<string | null>, string[]];
    return {
      group: groups[index - 1] ?? '?',
      limit: limits[index - 1] ?? 0,
      rank: Number(rank),
      firstReport: Number(first) === 1,
      holders: holders.map((jobId, i) => ({ jobId, host: hosts[i] ?? '' })),
      ahead,
    };
  });
  return { kind: 'waiting', waits };
}
