import type { GraceMilestone, GraceProgress } from '../core/grace/grace-progress';
import type { VerbOptions } from '../core/command';
import type { VerbResult } from '../core/verb-result';
import type { JobVerb } from '../core/verbs';
import type { HostStage } from '../core/rollout/rollout-record';
import type { HostIdentity } from '../core/rollout/host-identity';
import type { HostConfig } from '../../config/schema';
import type { HostTarget } from './host-port';

/** One verb on one host: the unit of work a worker runs. Plain, versioned JSON. */
export interface HostJob {
  v: 1;
  /** Unique, no `:` and not integer-like (BullMQ rules). */
  jobId: string;
  /** The chat request this job belongs to. */
  requestId: string;
  host: string;
  verb: JobVerb;
  /** Immutable chat user id of the requester. */
  requestedBy: string;
  enqueuedAt: number;
  /** Verb options from the command's flags. */
  options?: JobOptions;
  /**
   * The host's entry as the bot resolved it when it accepted the request (group settings applied): the worker runs the
   * job with it, not with its own inventory. Absent in a job queued by a bot older than this field.
   */
  entry?: HostConfig;
  /** Where SSH reaches the host (login user, bastions outermost first), resolved with {@link entry}. */
  target?: HostTarget;
  /** The digest of the bot's inventory the entry came from. */
  inventoryDigest?: string;
  /**
   * Per-group limits of hosts changing at once (`rolling.groups.<g>.concurrency`), for the groups of this host that
   * have one, as the bot resolved them: a state-changing job waits for a slot in each.
   */
  groupLimits?: Record<string, number>;
}

/**
 * A request-level job: one verb on every host a target names, expanded into {@link HostJob}s by a worker, so that the
 * bot's accept path of a big fan-out (`status all` on a thousand hosts) does the same work as on one host. Its id is
 * {@link fanOutJobId}; expanding it again (a worker died mid-way) queues only the host jobs not yet queued.
 */
export interface FanOutJob {
  v: 1;
  kind: 'fanout';
  /** `<requestId>-fanout`: stable, so queueing it again (the sweeper) finds it queued. */
  jobId: string;
  requestId: string;
  verb: JobVerb;
  /** The target as typed (`all`, `edges`, `edge-1,edges`): resolved against the snapshot of {@link inventoryDigest}. */
  target: string;
  /** How many hosts the target resolved to when the bot accepted it. */
  hostCount: number;
  /** The bot's inventory snapshot the target resolves against (published by digest: InventoryStorePort). */
  inventoryDigest: string;
  /** The login user of a host that sets none (`ssh.user` of the bot's config). */
  ssh: { user: string };
  requestedBy: string;
  enqueuedAt: number;
  options?: JobOptions;
}

/** The id of a request's request-level job. */
export function fanOutJobId(requestId: string): string {
  return `${requestId}-fanout`;
}

/**
 * Where a fan-out's request-level job is. Once the job itself is gone (kept a while after it completed), a fan-out
 * that queued host jobs is `expanded` (from its list of hosts queued); `unknown` means none was ever queued.
 */
export type FanOutState =
  | { state: 'waiting'; ahead: number }
  | { state: 'expanding'; expanded: number }
  | { state: 'expanded'; expanded: number }
  | { state: 'failed'; reason: string; expanded: number }
  | { state: 'unknown' };

/** A fan-out waiting for or being expanded, for `/srs jobs`. */
export interface FanOutLine {
  requestId: string;
  verb: JobVerb;
  target: string;
  hostCount: number;
  requestedBy: string;
  enqueuedAt: number;
  /** Host jobs queued so far (0 while waiting). */
  expanded: number;
}

/** Options a command can carry to its jobs. */
export interface JobOptions extends VerbOptions {
  /** One host's step of an approved rolling upgrade. */
  upgrade?: UpgradeJobOptions;
  /** One host's step of a rolling service verb: health gate after the verb, abort --now, the plan's machine. */
  rolling?: RollingJobOptions;
  /** A plan's survey (status job): also report the commands `verb` would send to the host now (`VerbResult.planned`). */
  survey?: { verb: JobVerb; options?: VerbOptions & { upgrade?: UpgradeJobOptions } };
}

/** What one host's step of a rolling service verb must do besides the verb, as the plan said. */
export interface RollingJobOptions {
  /** The plan's hash (recorded with the result). */
  planHash: string;
  /** After a verb that leaves SRS running: how long process, API and published streams have to be back. */
  healthTimeoutMs: number;
  /** Force the quit at the drain deadline rather than asking (grace, restart --graceful). */
  forceAtDeadline: boolean;
  /** The machine the plan bound the host name to: refused when the job's entry points elsewhere. */
  identity?: HostIdentity;
}

/** What an upgrade job must do on its host, as approved. */
export interface UpgradeJobOptions {
  /** The version to install. */
  version: string;
  /** The version the plan saw (the host must still run it, or the approval does not hold). */
  from: string;
  /** Re-install `from` and restart when the new version fails its checks. */
  rollback: boolean;
  /** How long streams and publishers have to come back after the restart. */
  healthTimeoutMs: number;
  /** The approved plan's hash (recorded with the result). */
  planHash: string;
  /** Force the quit at the drain deadline rather than asking (as the plan said). */
  forceAtDeadline: boolean;
  /** The approved install command template (argv with `{version}`, `{root}`, `{previous}`). */
  install: string[];
  /** The machine the plan bound the host name to: the worker refuses when its own inventory points elsewhere. */
  identity?: HostIdentity;
}

/** Where a job waits: the host's FIFO position and what runs before it. */
export interface QueuePosition {
  /** 0 = running or next. */
  position: number;
  ahead: Array<{ jobId: string; verb: JobVerb; requestedBy: string; enqueuedAt: number; running: boolean }>;
}

/** What {@link JobQueuePort.enqueue} found: per new job id, the jobs ahead of it on its host when it was queued. */
export interface EnqueueReceipt {
  ahead: ReadonlyMap<string, number>;
}

/** Submitting host jobs; jobs for one host run one at a time in submission order, whichever worker takes them. */
export interface JobQueuePort {
  /**
   * Queues the jobs (one round trip whatever their number); rejects with a ChatopsError (queue_unavailable) when Redis
   * cannot take them. Resolves with how many jobs were ahead of each new one in its host's line (running or waiting).
   */
  enqueue(jobs: readonly HostJob[]): Promise<EnqueueReceipt>;
  /** Jobs queued or running for a host, oldest first. */
  hostQueue(host: string): Promise<QueuePosition['ahead']>;
  /** {@link hostQueue} for many hosts at once (two round trips whatever their number). */
  hostQueues(hosts: readonly string[]): Promise<Map<string, QueuePosition['ahead']>>;
  /**
   * Cancels a job that has not started: `cancelled` (removed: the caller answers it), `cancelling` (taken by a worker
   * waiting for its host: that worker answers it instead of running it), `running` (never touched here), `finished`.
   */
  cancel(jobId: string, by: string): Promise<'cancelled' | 'cancelling' | 'running' | 'finished' | 'unknown'>;
  /**
   * Each group's slots of hosts changing at once and the jobs waiting for one (`rolling.groups.<g>.concurrency`), in
   * one round trip. Absent in a queue that has no group limits (a test's stand-in).
   */
  groupLines?(groups: readonly string[]): Promise<Map<string, GroupLine>>;
  /**
   * Queues a request-level job (one round trip); rejects like {@link enqueue}. Resolves with how many request-level
   * jobs wait before it. Idempotent: a job with this id already queued (or expanded) stays as it is.
   */
  enqueueFanOut(job: FanOutJob): Promise<{ ahead: number }>;
  /** Where a fan-out's request-level job is (waiting, being expanded, expanded, failed for good, or gone). */
  fanOutState(requestId: string): Promise<FanOutState>;
  /**
   * Cancels a fan-out: its request-level job is removed when it waits (`cancelled`: the caller answers every host), or
   * its expander stops queueing (`stopping`); the hosts already expanded are returned for the caller to cancel as
   * host jobs.
   */
  cancelFanOut(requestId: string, by: string): Promise<{ state: 'cancelled' | 'stopping' | 'expanded' | 'unknown'; expanded: string[] }>;
  /** Fan-outs waiting for or being expanded, oldest first (at most 50). */
  fanOutLines(): Promise<FanOutLine[]>;
  close(): Promise<void>;
}

/** One group's limit of hosts changing at once, across all requests: who holds its slots, who waits for one. */
export interface GroupLine {
  group: string;
  /** The jobs holding a slot (changing their host now). */
  holding: Array<{ jobId: string; host: string }>;
  /** The jobs waiting for a slot, first in line first (at most 50). */
  waiting: Array<{ jobId: string; host: string }>;
}

/** What workers report back. Delivered at least once to the bot, whichever machine ran the job. */
export type JobEvent =
  | { v: 1; type: 'job.started'; requestId: string; jobId: string; host: string; verb: JobVerb; at: number; worker: string }
  | {
      v: 1;
      type: 'job.result';
      requestId: string;
      jobId: string;
      host: string;
      verb: JobVerb;
      at: number;
      worker: string;
      result: VerbResult;
    }
  | {
      v: 1;
      type: 'grace.preflight';
      requestId: string;
      jobId: string;
      host: string;
      verb: JobVerb;
      at: number;
      worker: string;
      progress: GraceProgress;
      deadlineMs?: number;
    }
  | {
      v: 1;
      type: 'grace.progress';
      requestId: string;
      jobId: string;
      host: string;
      verb: JobVerb;
      at: number;
      worker: string;
      progress: GraceProgress;
    }
  | {
      v: 1;
      type: 'grace.milestone';
      requestId: string;
      jobId: string;
      host: string;
      verb: JobVerb;
      at: number;
      worker: string;
      progress: GraceProgress;
      milestone: GraceMilestone;
      detail?: string;
    }
  | {
      v: 1;
      type: 'upgrade.stage';
      requestId: string;
      jobId: string;
      host: string;
      verb: JobVerb;
      at: number;
      worker: string;
      stage: HostStage;
      detail?: string;
    }
  | {
      v: 1;
      /**
       * The job has its host's turn but waits for a slot of a group's limit of hosts changing at once: sent once per
       * job and group, when the wait begins (the job.started and result follow when it runs).
       */
      type: 'job.waiting';
      requestId: string;
      jobId: string;
      host: string;
      verb: JobVerb;
      at: number;
      worker: string;
      group: string;
      /** The group's limit, as the job carries it. */
      limit: number;
      /** Place in the group's line: 1 = next to take a slot. */
      position: number;
      /** The hosts holding the group's slots (changing now). */
      holding: string[];
    }
  | {
      v: 1;
      type: 'grace.deadline';
      requestId: string;
      jobId: string;
      host: string;
      verb: JobVerb;
      at: number;
      worker: string;
      progress: GraceProgress;
      extendMs: number;
    }
  | {
      v: 1;
      /**
       * A fan-out's request-level job could not be expanded (its inventory snapshot is gone, or no longer resolves its
       * target): no host job of it runs beyond those already queued (`expanded`), and the bot answers the request.
       */
      type: 'fanout.failed';
      requestId: string;
      /** The request-level job ({@link fanOutJobId}). */
      jobId: string;
      /** The fan-out's target as typed (a request-level event has no one host). */
      host: string;
      verb: JobVerb;
      at: number;
      worker: string;
      reason: string;
      /** Host jobs queued before it failed (they run and answer as usual). */
      expanded: number;
    };

/** Publishing job events (worker side). */
export interface JobEventPublisher {
  publish(event: JobEvent): Promise<void>;
}
