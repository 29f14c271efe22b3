import { jobInventory } from './pin-inventory';
import type { Plan } from '../core/rollout/plan';
import { renderRequestParent } from '../presentation';
import { isServiceVerb } from '../core/verbs';
import { hostJobs } from '../core/jobs/host-jobs';
import type { BotDeps } from './bot-deps';
import { closeRequest } from './close-request';
import { recordAudit } from './record-audit';
import { startRollout } from './rollout/advance-rollout';

/**
 * Runs an approved (or confirmed, or within-policy) plan: an upgrade or a verb on several hosts starts its rollout; a
 * gated verb on one host queues its job, answered in the thread like any request. A queue that refuses the jobs closes the request.
 * Idempotent (stable job ids): the bot's sweeper calls it again for an approval whose start was not confirmed.
 */
export async function startApproved(deps: BotDeps, plan: Plan, approvedBy: readonly string[]): Promise<void> {
  // An upgrade, and a service verb on several hosts, roll in batches (one engine); a gated verb on one host runs as a job.
  if (plan.verb === 'upgrade' || plan.hosts.length > 1) {
    await startRollout(deps, plan, approvedBy);
    return;
  }
  const req = await deps.requests.head(plan.id);
  if (!req || !isServiceVerb(plan.verb)) return;
  const hosts = plan.hosts.map((h) => h.name);
  const now = deps.now();
  const verb = plan.verb;
  const jobs = hostJobs(
    plan.id,
    hosts,
    {
      verb,
      requestedBy: plan.requestedBy,
      enqueuedAt: now,
      ...(plan.options ? { options: plan.options } : {}),
    },
    jobInventory(deps),
  );
  const audit = { actor: plan.requestedBy, channel: plan.channelId, requestId: plan.id, correlationId: plan.id, verb };
  try {
    await deps.queue.enqueue(jobs); // stable job ids: a second call (sweeper) finds them queued
    await deps.requests.create({ ...req.record, kind: 'verb', hosts });
  } catch (err) {
    deps.logger.error({ requestId: plan.id, err: err instanceof Error ? err.message : String(err) }, 'approved jobs not queued');
    await recordAudit(deps, { ...audit, type: 'request.failed', data: { reason: 'queue unavailable', hosts, approvedBy } });
    if (req.parentTs !== undefined) {
      await deps.chat.post(
        plan.channelId,
        { text: ':x: Approved, but the job queue (Redis) refused the jobs: nothing ran. Ask again when Redis is back.' },
        req.parentTs,
      );
      await closeRequest(deps, req.record, req.parentTs, 'approved, but not queued (queue unavailable); nothing ran', {});
    }
    return;
  }
  await deps.approvals.markStarted(plan.id);
  await recordAudit(deps, {
    ...audit,
    type: 'request.queued',
    data: { hosts, approvedBy, planHash: plan.hash, ...(plan.options ? { options: plan.options } : {}) },
  });
  if (req.parentTs !== undefined) {
    await deps.chat
      .update(
        plan.channelId,
        req.parentTs,
        renderRequestParent({ requestId: plan.id, userId: plan.requestedBy, verb, hosts, state: 'queued' }),
      )
      .catch((err: unknown) => {
        deps.logger.warn(
          { requestId: plan.id, err: err instanceof Error ? err.message : String(err) },
          'request message not updated; results still reach the thread',
        );
      });
  }
}
