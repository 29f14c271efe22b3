import type { HostStage } from '../../src/core/rollout/rollout-record';
import type { UpgradeJobOptions } from '../../src/ports/job-queue-port';

/** The job around one host's upgrade: what was approved, how to install, where to report stages, abort --now. */
export interface UpgradeJob {
  options: UpgradeJobOptions;
  /** The install command template (argv with `{version}`, `{root}`, `{previous}`). */
  install: readonly string[];
  installTimeoutMs: number;
  /** Reports the host's stage to the rollout's status message. */
  stage(stage: HostStage, detail?: string): Promise<void>;
  /** Who asked the rollout to stop at the next step (`/srs abort --now`), if anyone. */
  stopRequested(): Promise<string | undefined>;
}
