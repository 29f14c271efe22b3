import type { HostConfig } from '../../config/schema';
import type { VerbCheckpoint } from './checkpoint-port';
import type { GraceJob } from './grace-job-port';
import type { HostJob, RollingJobOptions, UpgradeJobOptions } from './job-queue-port';
import type { RolloutStepJob, UpgradeJob } from './upgrade-job-port';

/**
 * What a host job keeps outside the worker running it, per job: the checkpoint of its state-changing commands, and
 * for a graceful quit, an upgrade or a rolling service verb's step the job around it. A worker that takes a job over reads the same state.
 */
export interface JobStatePort {
  checkpoint(job: HostJob): VerbCheckpoint;
  grace(job: HostJob, host: HostConfig): GraceJob;
  upgrade(job: HostJob, options: UpgradeJobOptions): UpgradeJob;
  /** One host's step of a rolling service verb (stages, `abort --now`, the baseline of its health gate). */
  rolling(job: HostJob, options: RollingJobOptions): RolloutStepJob;
}
