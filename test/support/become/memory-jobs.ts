import type { Config } from '../../../config/schema';
import type { GraceDecision } from '../../../src/core/grace/grace-actions';
import type { GraceMilestone } from '../../../src/core/grace/grace-progress';
import type { GraceCheckpoint, GraceJob } from '../../../src/ports/grace-job-port';
import type { JobOptions, UpgradeJobOptions } from '../../../src/ports/job-queue-port';
import type { UpgradeBaseline, UpgradeJob } from '../../../src/ports/upgrade-job-port';

/** A graceful-quit job kept in memory: what a worker job gives the verbs, without Redis or Slack. */
export interface MemoryGraceJob extends GraceJob {
  milestones: Array<{ milestone: GraceMilestone; detail?: string }>;
  /** Decisions handed out at the next looks, in order. */
  decisions: GraceDecision[];
}

export function memoryGraceJob(config: Config, options: JobOptions = {}, autoEscalate = false): MemoryGraceJob {
  let checkpoint: GraceCheckpoint | undefined;
  const job: MemoryGraceJob = {
    requestId: 'r-become',
    jobId: `j-become-${Date.now()}`,
    options,
    config: config.grace,
    autoEscalate,
    milestones: [],
    decisions: [],
    preflight: () => Promise.resolve(),
    progress: () => Promise.resolve(),
    milestone: (_p, milestone, detail) => {
      job.milestones.push({ milestone, ...(detail !== undefined && { detail }) });
      return Promise.resolve();
    },
    deadline: () => Promise.resolve(),
    loadCheckpoint: () => Promise.resolve(checkpoint),
    saveCheckpoint: (c) => {
      checkpoint = structuredClone(c);
      return Promise.resolve();
    },
    nextDecision: () => {
      const decision = job.decisions.shift();
      return Promise.resolve(decision === undefined ? undefined : { decision, by: 'U0BECOME1' });
    },
  };
  return job;
}

/** One host's upgrade job kept in memory (stages recorded). */
export function memoryUpgradeJob(options: UpgradeJobOptions, installTimeoutMs = 60000): UpgradeJob & { stages: string[] } {
  let baseline: UpgradeBaseline | undefined;
  const stages: string[] = [];
  return {
    options,
    install: options.install,
    installTimeoutMs,
    stages,
    stage: (s) => {
      stages.push(s);
      return Promise.resolve();
    },
    stopRequested: () => Promise.resolve(undefined),
    loadBaseline: () => Promise.resolve(baseline),
    saveBaseline: (b) => {
      baseline = structuredClone(b);
      return Promise.resolve();
    },
  };
}
