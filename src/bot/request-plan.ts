import { jobInventory } from './pin-inventory';
import type { RolloutFlags, UpgradeOptions, VerbOptions } from '../core/command';
import type { PlanSpec } from '../core/rollout/plan';
import type { JobOptions } from '../ports/job-queue-port';
import { renderRequestParent } from '../presentation';
import type { JobVerb } from '../core/verbs';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import type { CommandInput, CommandReply } from './command-io';
import { postParent } from './post-parent';
import { acceptRequest } from './accept-request';
import { hostJobs } from '../core/jobs/host-jobs';
import { plural } from '../core/text/plural';

/**
 * What needs a plan before it runs: `approval` (another person approves it: an upgrade, a gated verb), `rolling` (a
 * state-changing verb on several hosts: it rolls in batches, after the requester confirms when the survey shows a
 * wide change), `dry-run` (the plan, the survey and the commands are shown; nothing runs).
 */
export interface PlanRequest {
  verb: JobVerb;
  target: string;
  hosts: string[];
  version?: string;
  upgradeOptions?: UpgradeOptions;
  verbOptions?: VerbOptions;
  rolloutFlags?: RolloutFlags;
  mode: 'approval' | 'rolling' | 'dry-run';
}

/**
 * What the survey's status jobs also report: the commands the planned verb would send to each host now (a dry run
 * shows them). An upgrade's step with the install command as configured; the version it replaces is the one found.
 */
function surveyOf(deps: BotDeps, req: PlanRequest): NonNullable<JobOptions['survey']> {
  if (req.verb !== 'upgrade' || req.version === undefined)
    return { verb: req.verb, ...(req.verbOptions ? { options: req.verbOptions } : {}) };
  const u = deps.config.upgrade;
  const upgrade = {
    version: req.version,
    from: '',
    rollback: req.upgradeOptions?.rollback ?? u.rollback,
    healthTimeoutMs: u.healthTimeoutMs,
    planHash: '',
    forceAtDeadline: u.escalateAtDeadline,
    install: [...u.install],
  };
  return { verb: 'upgrade', options: { deadlineMs: u.deadlineMs ?? deps.config.grace.deadlineMs, upgrade } };
}

/** The first answer to a planned request: what happens next. */
function plannedText(req: PlanRequest, requestId: string): string {
  const what = `\`${req.verb}\` on ${plural(req.hosts.length, 'host')}`;
  if (req.mode === 'dry-run')
    return `Dry run of ${what} (request ${requestId}): reading each host's state; the plan, the survey and the exact commands will appear in the thread. Nothing will change on any host.`;
  if (req.mode === 'rolling')
    return `${what} rolls in batches (request ${requestId}). Reading each host's state first; the plan follows in the thread, with a Confirm button if it is a wide change.`;
  return `${what} needs another person's approval (request ${requestId}). Reading each host's state for the plan; the plan and its Approve / Deny buttons will appear in the thread. Nothing runs before it is approved.`;
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
export async function requestPlan(
  deps: BotDeps,
  input: CommandInput,
  requestId: string,
  req: PlanRequest,
  received: Promise<boolean>,
): Promise<CommandReply> {
  const surveyId = surveyIdOf(requestId);
  const spec: PlanSpec = {
    verb: req.verb,
    target: req.target,
    ...(req.version !== undefined ? { version: req.version } : {}),
    ...(req.upgradeOptions ? { upgradeOptions: req.upgradeOptions } : {}),
    ...(req.verbOptions ? { verbOptions: req.verbOptions } : {}),
    ...(req.rolloutFlags ? { rolloutFlags: req.rolloutFlags } : {}),
    ...(req.mode === 'dry-run' ? { dryRun: true } : {}),
  };
  const planned = surveyOf(deps, req);
  const accepted = await acceptRequest(deps, input, {
    base: { actor: input.userId, channel: input.channelId, requestId, correlationId: requestId, verb: req.verb },
    received,
    mutating: req.mode !== 'dry-run', // a planned request changes hosts: its plan must be on record (a dry run changes nothing)
    queued: { hosts: req.hosts, stage: 'survey', plan: spec },
    hosts: req.hosts,
    build: (now) => {
      const common: RequestRecord = {
        v: 1,
        requestId,
        userId: input.userId,
        channelId: input.channelId,
        verb: req.verb,
        hosts: req.hosts,
        text: input.text.slice(0, 500),
        createdAt: now,
      };
      const survey: RequestRecord = { ...common, requestId: surveyId, kind: 'survey', planFor: requestId, verb: 'status' };
      return {
        records: [{ ...common, kind: 'approval', plan: spec }, survey],
        jobs: hostJobs(
          surveyId,
          req.hosts,
          { verb: 'status', requestedBy: input.userId, enqueuedAt: now, options: { survey: planned } },
          jobInventory(deps),
        ),
      };
    },
  });
  if (!accepted.accepted) return accepted.reply;
  deps.logger.info({ requestId, user: input.userId, verb: req.verb, hosts: req.hosts.length }, 'plan survey queued');
  const [record] = accepted.records;
  return {
    requestId,
    ephemeral: { text: plannedText(req, requestId) },
    followUp: () =>
      postParent(
        deps,
        record,
        renderRequestParent({ requestId, userId: input.userId, verb: req.verb, hosts: req.hosts, state: 'planning' }),
      ),
  };
}
