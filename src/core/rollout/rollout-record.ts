import type { Plan } from './plan';
import type { DrainCount, Outcome } from '../verb-result';

/** Where a rollout is. `aborting`: no new batch starts; hosts in progress finish. */
export type RolloutState = 'running' | 'aborting' | 'halted' | 'aborted' | 'done';

/** One host's step of the rollout as the status message shows it. */
export type HostStage =
  | 'pending'
  | 'queued'
  | 'snapshot'
  | 'running'
  | 'installing'
  | 'restarting'
  | 'verifying'
  | 'rolling back'
  | 'done'
  | 'failed'
  | 'cancelled';

/** What the rollout knows of one host. */
export interface RolloutHost {
  stage: HostStage;
  outcome?: Outcome;
  /** One line: why it failed, or the version it serves now. */
  detail?: string;
  /** The host's version now, when known. */
  version?: string;
  /** Its graceful quit's clients: drained, forced off, dropped. */
  drain?: DrainCount;
  at: number;
}

/** A rollout in progress or finished. Plain JSON. */
export interface RolloutRecord {
  plan: Plan;
  state: RolloutState;
  /** Index of the batch running (or last run). */
  batch: number;
  hosts: Record<string, RolloutHost>;
  startedAt: number;
  approvedBy: string[];
  statusTs?: string;
  /** Why it halted, or who aborted. */
  reason?: string;
  endedAt?: number;
}
