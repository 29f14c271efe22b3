import type { HostStage } from '../core/rollout/rollout-record';
import type { UpgradeJobOptions } from './job-queue-port';
import type { LogMark } from '../core/log-mark';

/**
 * The host as it was before its upgrade began: what the checks compare with (new process, streams back, no
 * startup failure since). Saved at the first run of the job, so a worker that takes the job over compares with
 * the same, not with what it finds after the restart.
 */
export interface UpgradeBaseline {
  version: string;
  pid?: number;
  serviceId?: string;
  streams: number;
  publishers: number;
  /** Where the log was before anything was done. */
  mark: LogMark;
}

/**
 * The job around one host's step of a rollout (an upgrade or a rolling service verb): where to report stages,
 * `abort --now`, and the baseline the health gate compares with (kept so a worker taking the job over compares with
 * the host as it was before anything was done).
 */
export interface RolloutStepJob {
  /** Reports the host's stage to the rollout's status message. */
  stage(stage: HostStage, detail?: string): Promise<void>;
  /** Who asked the rollout to stop at the next step (`/srs abort --now`), if anyone. */
  stopRequested(): Promise<string | undefined>;
  loadBaseline(): Promise<UpgradeBaseline | undefined>;
  saveBaseline(baseline: UpgradeBaseline): Promise<void>;
}

/** The job around one host's upgrade: what was approved, how to install, and the rollout step's own. */
export interface UpgradeJob extends RolloutStepJob {
  options: UpgradeJobOptions;
  /** The install command template (argv with `{version}`, `{root}`, `{previous}`). */
  install: readonly string[];
  installTimeoutMs: number;
}
