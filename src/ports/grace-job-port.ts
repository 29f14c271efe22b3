import type { GraceConfig } from '../../config/schema';
import type { GraceDecision } from '../core/grace/grace-actions';
import type { GraceMilestone, GraceProgress } from '../core/grace/grace-progress';
import type { JobOptions } from './job-queue-port';
import type { LogMark } from '../core/log-mark';

/** What survives a worker restart mid-drain: whether SIGQUIT went out, where the log was read to, the progress. */
export interface GraceCheckpoint {
  v: 1;
  /** `sending`: about to send SIGQUIT (it may or may not have left); `sent`: SRS got it. */
  phase: 'sending' | 'sent';
  pid: number;
  mark: LogMark;
  progress: GraceProgress;
  /** Service id before the quit (graceful restart confirms a new one). */
  serviceId?: string;
  deadlinePrompted: boolean;
  /** When SIGINT was sent by an escalation. */
  sigintAt?: number;
  sigkillAt?: number;
}

/** The job around a graceful quit: its options, reporting, checkpoint, and the operator's decisions. */
export interface GraceJob {
  requestId: string;
  jobId: string;
  options: JobOptions;
  config: GraceConfig;
  /** Escalate by itself at the deadline (the host's groups ask for it, or an approved upgrade plan said so). */
  autoEscalate: boolean;
  /** Why, as the evidence says who forced the quit: `the approved upgrade plan`, `grace.autoEscalateGroups (edges)`. */
  autoEscalateReason?: string;
  preflight(progress: GraceProgress, deadlineMs: number | undefined): Promise<void>;
  progress(progress: GraceProgress): Promise<void>;
  milestone(progress: GraceProgress, milestone: GraceMilestone, detail?: string): Promise<void>;
  deadline(progress: GraceProgress): Promise<void>;
  loadCheckpoint(): Promise<GraceCheckpoint | undefined>;
  saveCheckpoint(c: GraceCheckpoint): Promise<void>;
  nextDecision(): Promise<{ decision: GraceDecision; by: string } | undefined>;
}
