import type { FanOutJob, HostJob } from '../../ports/job-queue-port';
import type { PublishedInventory } from '../../ports/inventory-store-port';
import { resolveTargets } from '../resolve-targets';
import { hostJobs } from './host-jobs';

/** A fan-out's host jobs, or why it cannot be expanded (the snapshot no longer resolves its target). */
export type FanOutExpansion = { ok: true; hosts: string[]; jobs: HostJob[] } | { ok: false; reason: string };

/**
 * The host jobs of a request-level job: its target resolved against the snapshot the bot accepted it with (the same
 * hosts, in inventory order, the same entries), each job built as the bot builds a host job (ids {@link hostJobs}).
 */
export function expandFanOut(job: FanOutJob, snapshot: PublishedInventory): FanOutExpansion {
  if (snapshot.digest !== job.inventoryDigest)
    return { ok: false, reason: `inventory ${job.inventoryDigest.slice(0, 12)} is not the one given` };
  const resolved = resolveTargets(job.target, snapshot.hosts);
  if (!resolved.ok) return { ok: false, reason: resolved.error };
  const spec = {
    verb: job.verb,
    requestedBy: job.requestedBy,
    enqueuedAt: job.enqueuedAt,
    ...(job.options ? { options: job.options } : {}),
  };
  return { ok: true, hosts: resolved.hosts, jobs: hostJobs(job.requestId, resolved.hosts, spec, { snapshot, ssh: job.ssh }) };
}
