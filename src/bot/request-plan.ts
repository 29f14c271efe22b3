import type { UpgradeOptions, VerbOptions } from '../core/command';
import { renderQueueUnavailable, renderRequestParent } from '../core/render';
import type { JobVerb } from '../core/verbs';
import type { HostJob } from '../ports/job-queue-port';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import type { CommandInput, CommandReply } from './handle-command';
import { postParent } from './post-parent';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';

/** What needs a plan and an approval before it runs. */
export interface PlanRequest {
  verb: JobVerb;
  target: string;
  hosts: string[];
  version?: string;
  upgradeOptions?: UpgradeOptions;
  verbOptions?: VerbOptions;
}

/** The id of the survey that reads a request's hosts for its plan. */
export function surveyIdOf(requestId: string): string {
  return `${requestId}-plan`;
}

/**
 * A gated request (an upgrade, or a verb the policy gates): before anyone can approve, the plan must show what each
 * host runs now, so `status` jobs read every host first (the survey). When they are all in, the plan and its
 * Approve / Deny card are posted in the request's thread (see presentPlan). Nothing changes on a host until then.
 */
export async function requestPlan(deps: BotDeps, input: CommandInput, requestId: string, req: PlanRequest): Promise<CommandReply> {
  const base = { actor: input.userId, channel: input.channelId, requestId, correlationId: requestId, verb: req.verb };
  const now = deps.now();
  const surveyId = surveyIdOf(requestId);
  const record: RequestRecord = {
    v: 1,
    requestId,
    kind: 'approval',
    userId: input.userId,
    channelId: input.channelId,
    verb: req.verb,
    hosts: req.hosts,
    text: input.text.slice(0, 500),
    createdAt: now,
  };
  const survey: RequestRecord = { ...record, requestId: surveyId, kind: 'survey', planFor: requestId, verb: 'status' };
  const spec = { verb: req.verb, target: req.target, ...(req.version !== undefined ? { version: req.version } : {}), ...(req.upgradeOptions ? { upgradeOptions: req.upgradeOptions } : {}), ...(req.verbOptions ? { verbOptions: req.verbOptions } : {}) };
  const jobs: HostJob[] = req.hosts.map((host) => ({ v: 1, jobId: `${surveyId}-${host}`, requestId: surveyId, host, verb: 'status', requestedBy: input.userId, enqueuedAt: now }));
  if (!(await recordAudit(deps, { ...base, type: 'request.queued', data: { hosts: req.hosts, stage: 'survey', plan: spec } }))) return { ephemeral: { text: AUDIT_DOWN_TEXT } };
  try {
    if (input.triggerId !== undefined) {
      const earlier = await deps.requests.claimTrigger(input.triggerId, requestId);
      if (earlier !== undefined) return { ephemeral: { text: `Already received (request ${earlier}); it runs once.` } };
    }
    await deps.requests.create({ ...record, plan: spec });
    await deps.requests.create(survey);
    await deps.queue.enqueue(jobs);
  } catch (err) {
    deps.logger.error({ requestId, err: err instanceof Error ? err.message : String(err) }, 'plan survey not queued');
    if (input.triggerId !== undefined) await deps.requests.releaseTrigger(input.triggerId).catch(() => undefined);
    await recordAudit(deps, { ...base, type: 'request.failed', data: { reason: 'queue unavailable', hosts: req.hosts } });
    return { ephemeral: renderQueueUnavailable() };
  }
  deps.logger.info({ requestId, user: input.userId, verb: req.verb, hosts: req.hosts.length }, 'plan survey queued');
  const n = req.hosts.length;
  return {
    requestId,
    ephemeral: {
      text: `\`${req.verb}\` on ${n} host${n === 1 ? '' : 's'} needs another person's approval (request ${requestId}). Reading each host's state for the plan; the plan and its Approve / Deny buttons will appear in the thread. Nothing runs before it is approved.`,
    },
    followUp: () => postParent(deps, record, renderRequestParent({ requestId, userId: input.userId, verb: req.verb, hosts: req.hosts, state: 'planning' })),
  };
}
