import type { JobVerb } from '../core/verbs';

/** One command a host step sent, with everything it printed. */
export interface TranscriptEntry {
  /** What was sent, for a reader: the argv shell-quoted, a long script shown by its name. */
  command: string;
  stdout: string;
  stderr: string;
  /** The command's exit code (null: killed, timed out, or the connection was lost). */
  exitCode: number | null;
}

/**
 * The full output of one job, as kept: `text` is the transcript rendered (bounded by `output.maxBytes`: head and tail
 * kept, the cut marked), and `sha256` is its hash, the same as the job's audit record (`outputSha256`), so anyone can
 * check the text was not altered.
 */
export interface StoredOutput {
  v: 1;
  jobId: string;
  requestId: string;
  host: string;
  verb: JobVerb;
  text: string;
  sha256: string;
  /** Bytes of `text`. */
  bytes: number;
  /** Bytes of the whole transcript before the bound (equal to `bytes` when nothing was cut). */
  fullBytes: number;
  truncated: boolean;
  savedAt: number;
  /** When it is deleted (`output.retentionMs` after it was saved). */
  expiresAt: number;
}

/** Where the full output of every job is kept, bounded and for a retention period (Redis). */
export interface OutputStorePort {
  save(output: StoredOutput): Promise<void>;
  /** The job's output, or undefined when unknown or expired. */
  get(jobId: string): Promise<StoredOutput | undefined>;
}
