import type { DrainCount } from '../verb-result';
import type { RolloutRecord } from './rollout-record';

/** The clients of every graceful quit of a rollout, added up over its hosts. */
export interface DrainTotals {
  /** Hosts that reported a drain. */
  hosts: number;
  atStart: number;
  /** Connected after SIGQUIT and then forced off or dropped (see DrainCount.arrived). */
  arrived: number;
  drained: number;
  forcedOff: number;
  dropped: number;
  /** Hosts whose drain reached its deadline. */
  deadlineHosts: string[];
  /** Hosts that reported no start count (their totals are partial). */
  uncounted: string[];
}

/** Adds up the drains the hosts reported (hosts without one are not counted). */
export function drainTotals(r: Pick<RolloutRecord, 'plan' | 'hosts'>): DrainTotals {
  const t: DrainTotals = { hosts: 0, atStart: 0, arrived: 0, drained: 0, forcedOff: 0, dropped: 0, deadlineHosts: [], uncounted: [] };
  for (const h of r.plan.hosts) {
    const d: DrainCount | undefined = r.hosts[h.name]?.drain;
    if (d === undefined) continue;
    t.hosts += 1;
    if (d.atStart === undefined) t.uncounted.push(h.name);
    t.atStart += d.atStart ?? 0;
    t.arrived += d.arrived ?? 0;
    t.drained += d.drained;
    t.forcedOff += d.forcedOff;
    t.dropped += d.dropped;
    if (d.deadlineHit) t.deadlineHosts.push(h.name);
  }
  return t;
}
