import type { GraceProgress } from '../../core/grace/grace-progress';
import type { Outcome } from '../../core/verb-result';

/** How a followed graceful quit ended. */
export interface GraceRun {
  outcome: Outcome;
  summary: string;
  evidence: string[];
  progress: GraceProgress;
  exitCode: number | null;
  output: string;
  errorCode?: string;
  /** The pre-quit API service id (a graceful restart must show a new one). */
  serviceId?: string;
}

/** What the quit command itself said (kept for the result), and what was found along the way. */
export interface QuitSent {
  evidence: string[];
  output: string;
  exitCode: number | null;
}
