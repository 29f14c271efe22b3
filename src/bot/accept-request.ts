import { renderQueueUnavailable } from '../presentation';
import type { AuditEventInput } from '../ports/audit-port';
import type { EnqueueReceipt, FanOutJob, HostJob } from '../ports/job-queue-port';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import type { CommandInput, CommandReply } from './command-io';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';

/** A request that passed every check, ready to be accepted: what to record, store and queue. */
export interface RequestToAccept {
  /** Audit fields of every record of this request (actor, channel, ids, verb). */
  base: Omit<AuditEventInput, 'type' | 'data'> & { requestId: string };
  /** The pending `request.received` append (true once stored). */
  received: Promise<boolean>;
  /** A state-changing request: refused when the audit log cannot record it. */
  mutating: boolean;
  /** The `request.queued` record's data. */
  queued: Record<string, unknown>;
  /** Hosts named in `request.failed` when Redis does not take the request. */
  hosts: readonly string[];
  /**
   * The request records and jobs, built at the time they are written: host jobs, or one request-level job that the
   * workers expand into host jobs (a fan-out: its records name no hosts).
   */
  build: (now: number) => { records: [RequestRecord, ...RequestRecord[]]; jobs: HostJob[]; fanOut?: FanOutJob };
  /** Written before the records (what the jobs need to run: a fan-out's inventory snapshot); failing, nothing is queued. */
  prepare?: () => Promise<void>;
}

/** Accepted (on record, stored, queued), or the answer to give instead. */
export type Acceptance =
  | {
      accepted: true;
      receipt: EnqueueReceipt;
      recorded: boolean;
      records: [RequestRecord, ...RequestRecord[]];
      jobs: HostJob[];
      /** A fan-out: the request-level jobs waiting before its own. */
      fanOutAhead?: number;
      now: number;
    }
  | { accepted: false; reply: CommandReply };

/**
 * Accepts a request: on record, deduplicated by trigger, its records stored, its jobs queued. Four round trips to
 * Redis whatever the number of hosts: the received record and the trigger claim together, the queued record, the
 * request records, then the jobs and their FIFO entries together. A redelivered trigger is answered before anything
 * else is written. Never throws.
 */
export async function acceptRequest(deps: BotDeps, input: CommandInput, r: RequestToAccept): Promise<Acceptance> {
  const claim =
    input.triggerId === undefined ? Promise.resolve({ earlier: undefined }) : claimTrigger(deps, input.triggerId, r.base.requestId);
  const [recorded, claimed] = await Promise.all([r.received, claim]);
  if (!recorded && r.mutating) return refuseUnrecorded(deps, input, !('err' in claimed) && claimed.earlier === undefined);
  if ('err' in claimed) return notQueued(deps, input, r, claimed.err, false);
  if (claimed.earlier !== undefined) {
    deps.logger.info({ requestId: claimed.earlier, trigger: input.triggerId }, 'redelivered command ignored');
    return { accepted: false, reply: { ephemeral: { text: `Already received (request ${claimed.earlier}); it runs once.` } } };
  }
  // A state-changing request waits for its record; a read-only one is stored and queued meanwhile (in a failover each
  // audit append may wait `waitTimeoutMs` for a replica: one after another, they would pass Slack's 3 s).
  const queuedRecord = recordAudit(deps, { ...r.base, type: 'request.queued', data: r.queued });
  if (r.mutating && !(await queuedRecord)) return refuseUnrecorded(deps, input, true);
  const now = deps.now();
  const { records, jobs, fanOut } = r.build(now);
  let receipt: EnqueueReceipt = { ahead: new Map() };
  let fanOutAhead: number | undefined;
  try {
    await r.prepare?.();
    // The records first: a job's result must always find its request.
    for (const record of records) await deps.requests.create(record);
    if (jobs.length > 0) receipt = await deps.queue.enqueue(jobs);
    if (fanOut !== undefined) fanOutAhead = (await deps.queue.enqueueFanOut(fanOut)).ahead;
  } catch (err) {
    return notQueued(deps, input, r, err, true);
  }
  const queued = await queuedRecord;
  return {
    accepted: true,
    receipt,
    recorded: recorded && queued,
    records,
    jobs,
    ...(fanOutAhead !== undefined ? { fanOutAhead } : {}),
    now,
  };
}

async function claimTrigger(
  deps: BotDeps,
  triggerId: string,
  requestId: string,
): Promise<{ earlier: string | undefined } | { err: unknown }> {
  try {
    return { earlier: await deps.requests.claimTrigger(triggerId, requestId) };
  } catch (err) {
    return { err };
  }
}

/** A state-changing request the audit log could not record: refused; a trigger it claimed is released (a retry runs). */
async function refuseUnrecorded(deps: BotDeps, input: CommandInput, claimed: boolean): Promise<Acceptance> {
  if (claimed && input.triggerId !== undefined) await deps.requests.releaseTrigger(input.triggerId).catch(() => undefined);
  return { accepted: false, reply: { ephemeral: { text: AUDIT_DOWN_TEXT } } };
}

/** Redis did not take the request: nothing runs, the trigger is released (a retry runs), and the failure is on record. */
async function notQueued(deps: BotDeps, input: CommandInput, r: RequestToAccept, err: unknown, claimed: boolean): Promise<Acceptance> {
  deps.logger.error({ requestId: r.base.requestId, err: err instanceof Error ? err.message : String(err) }, 'request not queued');
  if (claimed && input.triggerId !== undefined) await deps.requests.releaseTrigger(input.triggerId).catch(() => undefined);
  // Its record, if stored, is closed: the sweeper would otherwise take a refused fan-out for one whose job a failover
  // lost, and queue it again (best effort: Redis may refuse this too).
  await deps.requests.markDone(r.base.requestId).catch(() => undefined);
  // Not awaited: the user is told at once (recordAudit never rejects; a record it cannot write is logged).
  void recordAudit(deps, { ...r.base, type: 'request.failed', data: { reason: 'queue unavailable', hosts: r.hosts } });
  return { accepted: false, reply: { ephemeral: renderQueueUnavailable() } };
}
