import { buildPlan, type Plan } from '../core/rollout/plan';
import { renderPlanCard } from '../presentation';
import { renderParentOf } from '../presentation/request-parent';
import type { HostSnapshot } from '../core/verb-result';
import type { RequestHead, RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import { NotReadyError } from './not-ready-error';
import { claimOnce } from './claim-once';
import { recordAudit } from './record-audit';
import { plural } from '../core/text/plural';

/** `awaiting approval (0 of 2)` for the parent message. */
export function awaitingNote(plan: Plan, approvedBy: readonly string[]): string {
  return `awaiting approval (${approvedBy.length} of ${plan.requiredApprovals}); the plan is in the thread`;
}

/** Ends a request that will not run: parent edited, request done, recorded. */
export async function closeRequest(
  deps: BotDeps,
  record: RequestRecord,
  parentTs: string,
  note: string,
  data: Record<string, unknown>,
): Promise<void> {
  await deps.chat.update(record.channelId, parentTs, renderParentOf(record, { state: 'closed', note }));
  if (await deps.requests.markDone(record.requestId)) {
    await recordAudit(deps, {
      type: 'request.done',
      actor: record.userId,
      channel: record.channelId,
      requestId: record.requestId,
      correlationId: record.requestId,
      verb: record.verb,
      data: { threadTs: parentTs, summary: note, ...data },
    });
  }
}

/**
 * A survey result: stored; when every host has answered, the plan is built and its card (Approve / Deny, a reason
 * box) is posted once in the request's thread, the approval stored (it survives a bot restart). A plan that cannot
 * be made (a host down for an upgrade, nobody to approve) closes the request and says why.
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
  await claimOnce(deps, surveyId, 'plan', () =>
    presentPlan(deps, req, parentTs, new Map(latest.results.map((r): [string, HostSnapshot] => [r.host, r.after]))),
  );
}

async function presentPlan(deps: BotDeps, req: RequestHead, parentTs: string, survey: Map<string, HostSnapshot>): Promise<void> {
  const { record } = req;
  const spec = record.plan;
  if (!spec) return;
  const audit = {
    actor: record.userId,
    channel: record.channelId,
    requestId: record.requestId,
    correlationId: record.requestId,
    verb: record.verb,
  };
  const built = planOrRefusal(deps, record, spec, survey);
  if (!built.ok) {
    const why = built.error;
    await deps.chat.post(record.channelId, { text: `:no_entry: Not planned: ${why}. Nothing was run.` }, parentTs);
    await recordAudit(deps, { ...audit, type: 'request.failed', data: { reason: why, stage: 'plan' } });
    await closeRequest(deps, record, parentTs, `not planned: ${why.slice(0, 150)}`, { stage: 'plan' });
    return;
  }
  // Once only, whatever the retries: a stored approval is never recreated (a decided one stays decided), its card
  // is posted once (claimed), and it is what the card shows.
  const created = await deps.approvals.create(built.plan);
  const rec = await deps.approvals.get(built.plan.id);
  if (!rec || rec.state !== 'pending') return;
  const plan = rec.plan;
  let cardTs = rec.cardTs;
  if (cardTs === undefined) {
    await claimOnce(deps, record.requestId, 'card', async () => {
      cardTs = (await deps.chat.post(record.channelId, renderPlanCard(plan, rec.approvedBy, deps.now()), parentTs)).ts;
      await deps.approvals.setCard(plan.id, cardTs);
    });
  }
  if (created) await recordAudit(deps, { ...audit, type: 'approval.requested', data: approvalRequestedData(plan) });
  await deps.chat.update(
    record.channelId,
    parentTs,
    renderParentOf(record, { state: 'awaiting', note: awaitingNote(plan, rec.approvedBy), hosts: plan.hosts.map((h) => h.name) }),
  );
}

/** The plan built from the survey, or why there is none (no plan, or nobody who could approve it). */
function planOrRefusal(
  deps: BotDeps,
  record: RequestHead['record'],
  spec: NonNullable<RequestHead['record']['plan']>,
  survey: Map<string, HostSnapshot>,
): ReturnType<typeof buildPlan> {
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
  if (built.ok && built.plan.approvers.length < built.plan.requiredApprovals) {
    const { plan } = built;
    return {
      ok: false,
      error: `nobody can approve it: it needs ${plural(plan.requiredApprovals, 'approver')} for every host other than you, and \`approvals.approvers\` lists ${plan.approvers.length}. Ask an admin`,
    };
  }
  return built;
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
