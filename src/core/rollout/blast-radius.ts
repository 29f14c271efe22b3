import type { ConfirmConfig } from '../../../config/schema';
import { batchesOf, type Plan } from './plan';

/** What a state-changing plan touches, from its survey: hosts, batches, viewers and publishers now. */
export interface BlastRadius {
  hosts: number;
  batches: number;
  /** Players connected now over every host (hosts whose API did not answer count 0 and are listed in `uncounted`). */
  viewers: number;
  publishers: number;
  /** Published streams that lose their publisher (`host: app/name`), when the verb takes SRS down. */
  streamsLosingPublisher: string[];
  /** Hosts whose load is unknown (API not answering). */
  uncounted: string[];
}

/** Verbs that take SRS down for a while (its publishers and viewers must reconnect). */
const TAKES_SRS_DOWN: ReadonlySet<string> = new Set(['stop', 'restart', 'grace', 'upgrade']);

/** The blast radius of a plan. */
export function blastRadius(plan: Pick<Plan, 'hosts' | 'verb'>): BlastRadius {
  const out: BlastRadius = {
    hosts: plan.hosts.length,
    batches: batchesOf(plan).length,
    viewers: 0,
    publishers: 0,
    streamsLosingPublisher: [],
    uncounted: [],
  };
  for (const h of plan.hosts) {
    if (h.clients === undefined) out.uncounted.push(h.name);
    out.viewers += h.clients ?? 0;
    out.publishers += h.publishers ?? 0;
    if (TAKES_SRS_DOWN.has(plan.verb)) for (const s of h.publishedStreams ?? []) out.streamsLosingPublisher.push(`${h.name}: ${s}`);
  }
  return out;
}

/**
 * Why the requester must confirm after seeing the survey (more hosts than `confirm.hosts`, more live viewers than
 * `confirm.viewers`, or hosts whose viewers could not be counted on a wide change), or undefined.
 */
export function confirmReason(radius: BlastRadius, confirm: Pick<ConfirmConfig, 'hosts' | 'viewers'>): string | undefined {
  const why: string[] = [];
  if (radius.hosts > confirm.hosts) why.push(`${radius.hosts} hosts (more than \`confirm.hosts\` = ${confirm.hosts})`);
  if (radius.viewers > confirm.viewers) why.push(`${radius.viewers} live viewers (more than \`confirm.viewers\` = ${confirm.viewers})`);
  return why.length === 0 ? undefined : why.join(' and ');
}
