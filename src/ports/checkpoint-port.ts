/**
 * The checkpoint of a verb job: what it sent to the host, kept outside the worker that sent it, so that a job resumed
 * by another worker (after a crash or a deploy) never sends a state-changing command blindly again.
 */

/** One state-changing command a run of the job sent (or was about to send). */
export interface CheckpointStep {
  action: string;
  worker: string;
  at: number;
}

/** What the runs of one job recorded so far. */
export interface CheckpointState {
  /** Every state-changing command sent (or about to be), in order, by whichever worker ran the job. */
  steps: CheckpointStep[];
  /** The SRS process the job began on (a restart's resume tells a new process from the old one). */
  process?: { pid?: number; serviceId?: string };
}

/** A mark, per job, of the state-changing commands sent to the host: it outlives the worker that sent them. */
export interface VerbCheckpoint {
  /** This worker's id (a resume names who finished the job). */
  readonly worker: string;
  /** What earlier runs of this job recorded: read once, before this run records anything; undefined if nothing. */
  previous(): Promise<CheckpointState | undefined>;
  /** Recorded before every state-changing command is sent. */
  mark(action: string): Promise<void>;
  /** The process the job begins on, stored with the next {@link mark} (a run that sends nothing leaves no trace). */
  noteProcess(process: { pid?: number; serviceId?: string }): Promise<void>;
}
