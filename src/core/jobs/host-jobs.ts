import type { RollingConfig } from '../../../config/schema';
import { mutatesHost } from '../commands/command-table';
import { carriedEntry } from '../inventory/carried-host';
import type { InventorySnapshot } from '../inventory/inventory-snapshot';
import type { JobVerb } from '../verbs';
import type { HostJob, JobOptions } from '../../ports/job-queue-port';

/** The id of a request's job on one host: stable, so queueing it again (a sweeper's retry) finds it queued. */
export function hostJobId(requestId: string, host: string): string {
  return `${requestId}-${host}`;
}

/** What every job of one request shares; `optionsFor` gives a host its own options instead of `options`. */
export interface HostJobsSpec {
  verb: JobVerb;
  requestedBy: string;
  enqueuedAt: number;
  options?: JobOptions;
  optionsFor?: (host: string) => JobOptions;
}

/** The inventory a request was accepted with: each job carries its host's entry and target from it. */
export interface JobInventory {
  snapshot: Pick<InventorySnapshot, 'hosts' | 'bastions' | 'digest'>;
  /** The login user of a host that sets none (`ssh.user`). */
  ssh: { user: string };
  /** The policy's per-group limits of hosts changing at once (`rolling.groups.<g>.concurrency`). */
  rolling?: Pick<RollingConfig, 'groups'>;
}

/**
 * The limits of hosts changing at once that a job of `verb` on a host of `hostGroups` must take a slot in: one per
 * group of the host that has a `concurrency` in the policy; none for a verb that changes nothing (`status`).
 */
export function groupLimitsFor(
  verb: JobVerb,
  hostGroups: readonly string[],
  rolling: Pick<RollingConfig, 'groups'> | undefined,
): Record<string, number> | undefined {
  if (!mutatesHost(verb) || rolling === undefined) return undefined;
  const limits: Record<string, number> = {};
  for (const group of hostGroups) {
    const concurrency = rolling.groups[group]?.concurrency;
    if (concurrency !== undefined) limits[group] = concurrency;
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/**
 * One job per host for a request, with {@link hostJobId} ids, each carrying its host as `inventory` has it and, for a
 * state-changing verb, its groups' limits of hosts changing at once (the worker obeys what the job carries).
 */
export function hostJobs(requestId: string, hosts: readonly string[], spec: HostJobsSpec, inventory: JobInventory): HostJob[] {
  const entries = new Map(inventory.snapshot.hosts.map((h) => [h.name, h]));
  return hosts.map((host) => {
    const options = spec.optionsFor ? spec.optionsFor(host) : spec.options;
    const entry = entries.get(host);
    const carried = entry === undefined ? undefined : carriedEntry(inventory.snapshot, inventory.ssh, entry);
    const groupLimits = groupLimitsFor(spec.verb, carried?.entry.groups ?? [], inventory.rolling);
    return {
      v: 1,
      jobId: hostJobId(requestId, host),
      requestId,
      host,
      verb: spec.verb,
      requestedBy: spec.requestedBy,
      enqueuedAt: spec.enqueuedAt,
      ...(options ? { options } : {}),
      ...(carried ?? {}),
      ...(groupLimits ? { groupLimits } : {}),
    };
  });
}
