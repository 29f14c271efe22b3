import type { HostConfig, WorkerConfig } from '../../../config/schema';
import type { Logger } from '../../ports/logger-port';
import type { HostPort, HostTarget } from '../../ports/host-port';
import type { GraceJob } from '../../ports/grace-job-port';
import type { RolloutStepJob, UpgradeJob } from '../../ports/upgrade-job-port';
import type { RollingJobOptions, UpgradeJobOptions } from '../../ports/job-queue-port';
import type { VerbCheckpoint } from '../../ports/checkpoint-port';
import type { TranscriptEntry } from '../../ports/output-store-port';
import type { JobVerb } from '../../core/verbs';
import type { VerbOptions } from '../../core/command';

/** Everything a verb needs to act on one host. */
export interface HostContext {
  /** The host's inventory entry (name, address, init script, API, log). */
  hostConfig: HostConfig;
  /** Where `ssh` reaches it (the entry's address with the SSH user resolved). */
  target: HostTarget;
  /** Runs commands on the host (SSH; a scripted host in tests). */
  ssh: HostPort;
  settings: WorkerConfig;
  /** Upper bound for one ordinary remote command. */
  commandTimeoutMs: number;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  /** The clock (tests of long drains inject a simulated one). @defaultValue Date.now */
  now?: () => number;
  /** Set when the job was cancelled or the worker is shutting down. */
  signal?: AbortSignal;
  /**
   * Collects every state-changing command sent (service actions, signals, config tests, install) with its full output:
   * kept in the output store, its SHA-256 in the audit log (record-command.ts).
   */
  transcript?: TranscriptEntry[];
  /** A plan's survey (status job): the verb whose commands the result lists (`VerbResult.planned`). */
  survey?: { verb: JobVerb; options?: VerbOptions & { upgrade?: UpgradeJobOptions } };
  /** Records, before each state-changing command, that it may have been sent (absent outside a job). */
  checkpoint?: VerbCheckpoint;
  /** The job around a graceful quit or graceful restart (progress, checkpoint, decisions); absent outside a job. */
  grace?: GraceJob;
  /** One host's step of an approved rollout (absent for other verbs). */
  upgrade?: UpgradeJob;
  /** One host's step of a rolling service verb (absent otherwise). */
  rolling?: { options: RollingJobOptions; job: RolloutStepJob };
}

/** The API port of a host (`127.0.0.1:1985` -> 1985). */
export function apiPort(host: HostConfig): number {
  return Number(host.api.slice(host.api.lastIndexOf(':') + 1));
}
