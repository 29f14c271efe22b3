import type { HostJob } from './job-queue-port';

/** What queueing one chunk of a fan-out's host jobs did. */
export type ChunkOutcome =
  /** Queued (each job once) and its hosts recorded as expanded. */
  | { kind: 'queued' }
  /** The fan-out was cancelled: nothing of the chunk was queued. */
  | { kind: 'cancelled' }
  /** The record of hosts expanded does not have the length expected (another expander got ahead): nothing queued. */
  | { kind: 'moved'; expanded: number };

/**
 * Where a worker expanding a fan-out queues its host jobs (worker side of the fan-out queue). Each chunk is queued and
 * recorded as expanded in one atomic step, refused once the fan-out is cancelled, so a cancel that reads the record
 * sees every host ever queued, and an expander that resumes from the record queues no host twice.
 */
export interface FanOutExpansionPort {
  /** The hosts of the fan-out queued so far, in order (its record: empty before the first chunk). */
  expanded(requestId: string): Promise<string[]>;
  /** Queues a chunk of host jobs when the record has `expected` hosts, and appends their hosts to it. */
  queueChunk(requestId: string, expected: number, jobs: readonly HostJob[]): Promise<ChunkOutcome>;
  /**
   * Finishes queueing jobs recorded in a previous attempt that died between the two halves of a chunk (in their host's
   * line, not yet in the job queue); resolves to how many it queued. Jobs already queued, run or cancelled are left.
   */
  repair(jobs: readonly HostJob[]): Promise<number>;
  /** Who cancelled the fan-out, or null. */
  cancelledBy(requestId: string): Promise<string | null>;
}

/** What expanding a fan-out's request-level job did (the worker's use case, src/worker/fan-out/expand-request.ts). */
export type ExpandOutcome =
  /** Every host job queued (`queuedNow` by this attempt, after `resumedFrom` queued by earlier ones). */
  | { kind: 'expanded'; hosts: number; queuedNow: number; resumedFrom: number }
  /** Cancelled: the hosts queued before the cancel stay queued (the canceller cancels them as host jobs). */
  | { kind: 'cancelled'; expanded: number; by: string | null }
  /** Failed for good (`fanout.failed` was published): its snapshot is gone, or no longer resolves its target. */
  | { kind: 'failed'; reason: string; expanded: number };
