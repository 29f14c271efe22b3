import type { Command } from '../core/command';
import { renderQueueUnavailable, renderRequestParent } from '../core/render';
import type { AuditEventInput } from '../ports/audit-port';
import type { EnqueueReceipt, HostJob } from '../ports/job-queue-port';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import type { CommandInput, CommandReply } from './handle-command';
import { describeQueue } from './describe-queue';
import { postParent } from './post-parent';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';

/** A verb command that passed every check, on its resolved hosts. */
export interface VerbToQueue {
  requestId: string;
  base: Pick<AuditEventInput, 'actor' | 'channel' | 'requestId' | 'correlationId'>;
  command: Extract<Command, { kind: 'verb' }>;
  hosts: string[];
  /** The pending `request.received` append (true once stored). */
  received: Promise<boolean>;
  /** A state-changing verb: refused when the audit log cannot record it. */
  mutating: boolean;
}

/**
 * Accepts a verb request: on record, deduplicated by trigger, its request record stored, one job per host queued; the
 * answer says where each job waits when its host is busy. Four round trips to Redis on the way to the ack, whatever
 * the number of hosts: the received record and the trigger claim together, the queued record, the request record,
 * then the jobs and their FIFO entries together. Never throws.
 */
export async function queueVerb(deps: BotDeps, input: CommandInput, v: VerbToQueue): Promise<CommandReply> {
  const { requestId, base, command, hosts } = v;
  const claim = input.triggerId === undefined ? Promise.resolve({ earlier: undefined }) : claimTrigger(deps, input.triggerId, requestId);
  const [recorded, claimed] = await Promise.all([v.received, claim]);
  if (!recorded && v.mutating) return refuseUnrecorded(deps, input, !('err' in claimed) && claimed.earlier === undefined);
  if ('err' in claimed) return notQueued(deps, input, v, claimed.err, false);
  if (claimed.earlier !== undefined) {
    deps.logger.info({ requestId: claimed.earlier, trigger: input.triggerId }, 'redelivered command ignored');
    return { ephemeral: { text: `Already received (request ${claimed.earlier}); it runs once.` } };
  }
  const queued = await recordAudit(deps, { ...base, type: 'request.queued', verb: command.verb, data: { hosts, ...(command.options ? { options: command.options } : {}) } });
  if (!queued && v.mutating) return refuseUnrecorded(deps, input, true);
  const now = deps.now();
  const record: RequestRecord = { v: 1, requestId, userId: input.userId, channelId: input.channelId, verb: command.verb, hosts, text: input.text.slice(0, 500), createdAt: now };
  const jobs: HostJob[] = hosts.map((host) => ({
    v: 1,
    jobId: `${requestId}-${host}`,
    requestId,
    host,
    verb: command.verb,
    requestedBy: input.userId,
    enqueuedAt: now,
    ...(command.options ? { options: command.options } : {}),
  }));
  let receipt: EnqueueReceipt;
  try {
    // The record first: a job's result must always find its request.
    await deps.requests.create(record);
    receipt = await deps.queue.enqueue(jobs);
  } catch (err) {
    return notQueued(deps, input, v, err, true);
  }
  deps.logger.info({ requestId, user: input.userId, verb: command.verb, hosts: hosts.length }, 'request queued');
  const n = hosts.length;
  const busy = await describeQueue(deps.queue, jobs, receipt, now);
  const degraded = recorded && queued ? '' : ':warning: Audit degraded: this request could not be recorded.';
  return {
    requestId,
    ephemeral: {
      text: [degraded, `Queued \`${command.verb}\` on ${n} host${n === 1 ? '' : 's'} (request ${requestId}). Results will appear in the thread.`, ...busy].filter((l) => l !== '').join('\n'),
    },
    followUp: () => postParent(deps, record, renderRequestParent({ requestId, userId: input.userId, verb: command.verb, hosts, state: 'queued' })),
  };
}

async function claimTrigger(deps: BotDeps, triggerId: string, requestId: string): Promise<{ earlier: string | undefined } | { err: unknown }> {
  try {
    return { earlier: await deps.requests.claimTrigger(triggerId, requestId) };
  } catch (err) {
    return { err };
  }
}

/** A state-changing request the audit log could not record: refused; a trigger it claimed is released (a retry runs). */
async function refuseUnrecorded(deps: BotDeps, input: CommandInput, claimed: boolean): Promise<CommandReply> {
  if (claimed && input.triggerId !== undefined) await deps.requests.releaseTrigger(input.triggerId).catch(() => undefined);
  return { ephemeral: { text: AUDIT_DOWN_TEXT } };
}

/** Redis did not take the request: nothing runs, the trigger is released (a retry runs), and the failure is on record. */
async function notQueued(deps: BotDeps, input: CommandInput, v: VerbToQueue, err: unknown, claimed: boolean): Promise<CommandReply> {
  deps.logger.error({ requestId: v.requestId, err: err instanceof Error ? err.message : String(err) }, 'request not queued');
  if (claimed && input.triggerId !== undefined) await deps.requests.releaseTrigger(input.triggerId).catch(() => undefined);
  await recordAudit(deps, { ...v.base, type: 'request.failed', verb: v.command.verb, data: { reason: 'queue unavailable', hosts: v.hosts } });
  return { ephemeral: renderQueueUnavailable() };
}
