import type { GraceProgress } from '../core/grace/grace-progress';
import type { Outcome, VerbResult } from '../core/verb-result';
import type { JobVerb } from '../core/verbs';
import type { PlanSpec } from '../core/rollout/plan';

/** A chat request and where its answers go. Plain, versioned JSON. */
export interface RequestRecord {
  v: 1;
  requestId: string;
  userId: string;
  channelId: string;
  /**
   * What the request is: `verb` (jobs run at once), `approval` (a plan waits for approval; its jobs run once it is
   * approved), `survey` (status jobs reading hosts for a plan: their results build the plan of `planFor`, they are
   * not posted), `rollout` (an approved upgrade). @defaultValue `verb`
   */
  kind?: 'verb' | 'approval' | 'survey' | 'rollout';
  /** For a survey: the request whose plan it reads hosts for. */
  planFor?: string;
  /** For an approval: what was asked for (the plan is built from it and the survey). */
  plan?: PlanSpec;
  verb: JobVerb;
  /**
   * The hosts, in inventory order. EMPTY for a fan-out (see {@link fanOut}): its hosts are expanded by a worker, and
   * counted by {@link requestHostCount}.
   */
  hosts: string[];
  /**
   * A fan-out accepted as one request-level job (FanOutJob): the target as typed, how many hosts it names, and the
   * inventory snapshot they resolve from. Results are stored per host as for any request.
   */
  fanOut?: { target: string; hostCount: number; inventoryDigest: string };
  /** The command text as typed (kept for the audit log; never sent to a host). */
  text: string;
  createdAt: number;
}

/** How many hosts a request covers (a fan-out's count, or its list's length). */
export function requestHostCount(record: Pick<RequestRecord, 'hosts' | 'fanOut'>): number {
  return record.fanOut?.hostCount ?? record.hosts.length;
}

/**
 * A fan-out that ends with fewer results than its hosts (its expansion failed part way): how many results end it, and
 * what its summary says about the rest (Slack mrkdwn).
 */
export interface FanOutEnd {
  expected: number;
  note: string;
}

/** Progress of a request: its thread and the results delivered so far. */
export interface RequestProgress {
  record: RequestRecord;
  /** ts of the parent message once posted. */
  parentTs?: string;
  results: VerbResult[];
  /** Hosts whose result was already posted in the thread. */
  posted: Set<string>;
  done: boolean;
  /** Live graceful-quit state per host. */
  grace: Map<string, GraceProgress>;
  /** ts of the graceful-quit status message, once posted. */
  boardTs?: string;
  /** Set when a fan-out was told to end with fewer results than its hosts. */
  end?: FanOutEnd;
}

/** A request without its results: what every event needs, read in constant time whatever the fan-out. */
export type RequestHead = Pick<RequestProgress, 'record' | 'parentTs' | 'done' | 'end'>;

/** How many hosts of a request answered, and how: kept as results are stored, read in constant time. */
export interface ResultTally {
  answered: number;
  byOutcome: Partial<Record<Outcome, number>>;
}

/** Requests and their progress, shared by every bot process (Redis). */
export interface RequestStorePort {
  create(record: RequestRecord): Promise<void>;
  setParent(requestId: string, ts: string): Promise<void>;
  /**
   * The request with its results: in the record's host order, or for a fan-out (no host list) failures first, then
   * by host name.
   */
  get(requestId: string): Promise<RequestProgress | undefined>;
  /** The record, parent message and done mark only (not the results). */
  head(requestId: string): Promise<RequestHead | undefined>;
  /** Stores a host's result (idempotent); resolves to the number of hosts with a stored result now. */
  saveResult(requestId: string, result: VerbResult): Promise<number>;
  /** Records that a fan-out ends with `end.expected` results (the first call's end is kept). */
  endEarly(requestId: string, end: FanOutEnd): Promise<void>;
  /** How many hosts answered so far, by outcome (no result is read). */
  tally(requestId: string): Promise<ResultTally>;
  /** Marks a host's result (or several hosts' results, in one write) as posted in the thread. */
  markPosted(requestId: string, host: string | readonly string[], ts: string): Promise<void>;
  /** Marks the request finished; true only for the first caller. */
  markDone(requestId: string): Promise<boolean>;
  /** Fan-outs accepted before `acceptedBefore` (epoch ms) and not done, oldest first (at most 100): the sweeper's. */
  openFanOuts(acceptedBefore: number): Promise<string[]>;
  /** Stores a host's graceful-quit progress (latest wins). */
  saveGrace(requestId: string, progress: GraceProgress): Promise<void>;
  /** True for the first caller with this key (deduplicates posts of events delivered twice). */
  claim(requestId: string, key: string): Promise<boolean>;
  /**
   * Registers a chat invocation id (Slack's trigger_id) for a new request; returns the request id already registered
   * for it when the chat delivers the same invocation again.
   */
  claimTrigger(triggerId: string, requestId: string): Promise<string | undefined>;
  /** Forgets a trigger whose request could not be queued (so that a retry runs). */
  releaseTrigger(triggerId: string): Promise<void>;
  /** Undoes a claim whose work failed (so that the retry does it). */
  unclaim(requestId: string, key: string): Promise<void>;
  /** Records the graceful-quit status message. */
  setBoard(requestId: string, ts: string): Promise<void>;
  /** Forgets a host's result (a new job for it follows, e.g. after a confirmation) and reopens the request. */
  reopenHost(requestId: string, host: string): Promise<void>;
}
