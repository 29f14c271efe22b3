import type { BatchSize, HostConfig, RollingConfig } from '../../../config/schema';
import type { RolloutFlags } from '../command';
import { groupsOf } from '../approvers';

/** How a state-changing verb runs over its hosts: hosts at once, and failures tolerated before it halts. */
export interface RollingTerms {
  batchSize: number;
  failureBudget: number;
}

/** A batch size for `total` hosts: `N` as is, `N%` of them rounded down, never below 1 nor above `total`. */
export function hostsOf(size: BatchSize, total: number): number {
  const n = typeof size === 'number' ? size : Math.floor((Number(size.slice(0, -1)) * total) / 100);
  return Math.max(1, Math.min(total, n));
}

/** One group's policy with the defaults filled in. */
interface GroupPolicy {
  batch: number;
  maxBatch: number;
  parallel: boolean;
  /** Where the value came from, for a refusal (`rolling.groups.origins`, `rolling`). */
  source: string;
}

function policies(hosts: readonly Pick<HostConfig, 'name' | 'groups'>[], rolling: RollingConfig): GroupPolicy[] {
  const total = hosts.length;
  const base: GroupPolicy = {
    batch: hostsOf(rolling.batch, total),
    maxBatch: hostsOf(rolling.maxBatch, total),
    parallel: rolling.parallel,
    source: '`rolling`',
  };
  const out = [base];
  const groups = new Set(hosts.flatMap((h) => groupsOf(h)));
  for (const g of groups) {
    const p = rolling.groups[g];
    if (p === undefined) continue;
    // A group that allows only `concurrency` hosts changing at once caps its batches there too (a bigger batch would
    // only wait for slots, its health gate and drain clocks running).
    const cap = p.concurrency ?? Infinity;
    out.push({
      batch: Math.min(cap, p.batch !== undefined ? hostsOf(p.batch, total) : base.batch),
      maxBatch: Math.min(cap, p.maxBatch !== undefined ? hostsOf(p.maxBatch, total) : base.maxBatch),
      parallel: (p.parallel ?? base.parallel) && cap >= total,
      source: `\`rolling.groups.${g}\``,
    });
  }
  return out;
}

/**
 * The terms of a rolling verb on `hosts`: the policy of every group of the target applies and the most careful wins
 * (smallest batch, smallest limit, `--parallel` only if every group allows it). `--batch N` may not exceed the limit;
 * `--parallel` runs every host in one batch. A refusal says which policy forbids it and what is allowed.
 */
export function rollingTerms(
  hosts: readonly Pick<HostConfig, 'name' | 'groups'>[],
  flags: RolloutFlags | undefined,
  rolling: RollingConfig,
): { ok: true; terms: RollingTerms } | { ok: false; error: string } {
  const total = Math.max(1, hosts.length);
  const all = policies(hosts, rolling);
  const batch = Math.min(...all.map((p) => p.batch));
  const limit = all.reduce((a, p) => (p.maxBatch < a.maxBatch ? p : a));
  const failureBudget = flags?.failureBudget ?? rolling.failureBudget;
  if (flags?.parallel === true) {
    const forbids = all.find((p) => !p.parallel);
    if (forbids !== undefined && total > 1)
      return {
        ok: false,
        error: `\`--parallel\` is not allowed here (${forbids.source}: \`parallel: false\`, or a \`concurrency\` below ${total}): these hosts roll in batches of at most ${limit.maxBatch}; use \`--batch ${limit.maxBatch}\``,
      };
    return { ok: true, terms: { batchSize: total, failureBudget } };
  }
  if (flags?.batchSize !== undefined) {
    if (flags.batchSize > limit.maxBatch)
      return {
        ok: false,
        error: `\`--batch ${flags.batchSize}\` is above the limit of ${limit.maxBatch} host${limit.maxBatch === 1 ? '' : 's'} at once for these ${total} hosts (${limit.source} \`maxBatch\`)`,
      };
    return { ok: true, terms: { batchSize: Math.min(flags.batchSize, total), failureBudget } };
  }
  return { ok: true, terms: { batchSize: Math.min(batch, limit.maxBatch), failureBudget } };
}
