import { carriedHost } from '../core/inventory/carried-host';
import type { InventorySnapshot } from '../core/inventory/inventory-snapshot';
import type { JobVerb } from '../core/verbs';
import type { HostJob, JobOptions } from '../ports/job-queue-port';

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
  snapshot: InventorySnapshot;
  /** The login user of a host that sets none (`ssh.user`). */
  ssh: { user: string };
}

/** One job per host for a request, with {@link hostJobId} ids, each carrying its host as `inventory` has it. */
export function hostJobs(requestId: string, hosts: readonly string[], spec: HostJobsSpec, inventory: JobInventory): HostJob[] {
  return hosts.map((host) => {
    const options = spec.optionsFor ? spec.optionsFor(host) : spec.options;
    const carried = carriedHost(inventory.snapshot, inventory.ssh, host);
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
    };
  });
}
