import { buildPlan, type Plan } from '../core/rollout/plan';
import { blastRadius, confirmReason } from '../core/rollout/blast-radius';
import { needsApproval } from '../core/approval-policy';
import type { VerbResult } from '../core/verb-result';
import { renderConfirmCard, renderPlanCard } from '../presentation';
import { presentDryRun } from './dry-run';
import { startApproved } from './start-approved';
import { renderParentOf } from '../presentation/request-parent';
import type { HostSnapshot } from '../core/verb-result';
import type { RequestHead, RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import { NotReadyError } from './not-ready-error';
import { claimOnce } from './claim-once';
import { recordAudit } from './record-audit';
import { awaitingNote, closeRequest } from './close-request';
import { plural } from '../core/text/plural';

/**
 * A survey result: stored; when every host has answered, the plan is built and what follows is decided once (see
 * {@link decidePlan}). A plan that cannot be made (a host down for an upgrade, flags the policy refuses) closes the
 * request and says why.
 */
export async function deliverSurveyResult(
  deps: BotDeps,
  survey: RequestRecord,
  result: Parameters<BotDeps['requests']['saveResult']>[1],
): Promise<void> {
  const surveyId = survey.requestId;
  // Every host's result is read once, when the last one is in (as for a fan-out).
  if ((await deps.requests.saveResult(surveyId, result)) < survey.hosts.length) return;
  const latest = await deps.requests.get(surveyId);
  if (!latest || latest.results.length < latest.record.hosts.length) return;
  const requestId = survey.planFor;
  const req = requestId === undefined ? undefined : await deps.requests.head(requestId);
  const spec = req?.record.plan;
  if (!req || !spec || req.done) return;
  if (req.parentTs === undefined) throw new NotReadyError(`request ${req.record.requestId}: parent message not posted yet`);
  const parentTs = req.parentTs;
  await claimOnce(deps, surveyId, 'plan', () => decidePlan(deps, req, parentTs, latest.results));
}

/**
 * With the survey in: a dry run shows the plan, the survey and the commands, and ends; a gated plan (an upgrade, a
 * verb `approvals.gated` names) waits for another person's approval; a wide change (more hosts or live viewers than
 * the `confirm` policy allows) waits for the requester's confirmation; anything else starts rolling now.
 */
async function decidePlan(deps: BotDeps, req: RequestHead, parentTs: string, results: readonly VerbResult[]): Promise<void> {
  const { record } = req;
  const spec = record.plan;
  if (!spec) return;
  const survey = new Map(results.map((r): [string, HostSnapshot] => [r.host, r.after]));
  const built = buildPlan(
    {
      ...spec,
      id: record.requestId,
      requestedBy: record.userId,
      channelId: record.channelId,
      survey,
      hostKeys: deps.hostKeys(),
      now: deps.now(),
    },
    deps.config,
  );
  if (!built.ok) return notPlanned(deps, record, parentTs, built.error);
  const { plan } = built;
  if (spec.dryRun === true) return presentDryRun(deps, record, parentTs, plan, results);
  const hosts = deps.inventory.current().hosts.filter((h) => plan.hosts.some((p) => p.name === h.name));
  if (plan.verb === 'upgrade' || needsApproval(plan.verb, hosts, deps.config.approvals)) {
    if (plan.approvers.length < plan.requiredApprovals)
      return notPlanned(
        deps,
        record,
        parentTs,
        `nobody can approve it: it needs ${plural(plan.requiredApprovals, 'approver')} for every host other than you, and \`approvals.approvers\` lists ${plan.approvers.length}. Ask an admin`,
      );
    return askToDecide(deps, req, parentTs, plan);
  }
  const wide = confirmReason(blastRadius(plan), deps.config.confirm);
  if (wide === undefined) return startApproved(deps, plan, []);
  const confirm: Plan = {
    ...plan,
    gate: 'confirm',
    confirmReason: wide,
    approvers: [plan.requestedBy],
    expiresAt: deps.now() + deps.config.confirm.expireMs,
  };
  return askToDecide(deps, req, parentTs, confirm);
}

/** No plan: said in the thread, recorded, the request closed. */
async function notPlanned(deps: BotDeps, record: RequestRecord, parentTs: string, why: string): Promise<void> {
  const audit = { actor: record.userId, channel: record.channelId, requestId: record.requestId, correlationId: record.requestId };
  await deps.chat.post(record.channelId, { text: `:no_entry: Not planned: ${why}. Nothing was run.` }, parentTs);
  await recordAudit(deps, { ...audit, verb: record.verb, type: 'request.failed', data: { reason: why, stage: 'plan' } });
  await closeRequest(deps, record, parentTs, `not planned: ${why.slice(0, 150)}`, { stage: 'plan' });
}

/**
 * The plan's card, once whatever the retries: Approve / Deny for another person (an approval), or Confirm / Cancel
 * for the requester (a wide change). A stored approval is never recreated (a decided one stays decided); its card is
 * posted once (claimed), and it is what the card shows.
 */
async function askToDecide(deps: BotDeps, req: RequestHead, parentTs: string, built: Plan): Promise<void> {
  const { record } = req;
  const audit = {
    actor: record.userId,
    channel: record.channelId,
    requestId: record.requestId,
    correlationId: record.requestId,
    verb: record.verb,
  };
  const created = await deps.approvals.create(built);
  const rec = await deps.approvals.get(built.id);
  if (!rec || rec.state !== 'pending') return;
  const plan = rec.plan;
  const confirming = plan.gate === 'confirm';
  let cardTs = rec.cardTs;
  if (cardTs === undefined) {
    await claimOnce(deps, record.requestId, 'card', async () => {
      const card = confirming ? renderConfirmCard(plan, deps.now()) : renderPlanCard(plan, rec.approvedBy, deps.now());
      cardTs = (await deps.chat.post(record.channelId, card, parentTs)).ts;
      await deps.approvals.setCard(plan.id, cardTs);
    });
  }
  if (created)
    await recordAudit(deps, {
      ...audit,
      type: confirming ? 'confirm.requested' : 'approval.requested',
      data: { ...approvalRequestedData(plan), ...(confirming ? { reason: plan.confirmReason ?? null, radius: blastRadius(plan) } : {}) },
    });
  const note = confirming
    ? `awaiting <@${plan.requestedBy}>'s confirmation; the plan is in the thread`
    : awaitingNote(plan, rec.approvedBy);
  await deps.chat.update(
    record.channelId,
    parentTs,
    renderParentOf(record, { state: 'awaiting', note, hosts: plan.hosts.map((h) => h.name) }),
  );
}

/** What `approval.requested` records: the plan as the approvers see it, hosts with their identity. */
function approvalRequestedData(plan: Plan): Record<string, unknown> {
  return {
    planHash: plan.hash,
    version: plan.version ?? null,
    hosts: plan.hosts.map((h) => ({
      name: h.name,
      batch: h.batch,
      from: h.from ?? null,
      clients: h.clients ?? null,
      publishers: h.publishers ?? null,
      identity: h.identity ?? null,
    })),
    skipped: plan.skipped,
    batchSize: plan.batchSize,
    failureBudget: plan.failureBudget,
    rollback: plan.rollback,
    requiredApprovals: plan.requiredApprovals,
    approvers: plan.approvers,
    expiresAt: new Date(plan.expiresAt).toISOString(),
    install: plan.install ?? null,
  };
}
