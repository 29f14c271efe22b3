import { batchesOf, type Plan } from '../../core/rollout/plan';
import type { HostStage, RolloutRecord } from '../../core/rollout/rollout-record';
import { plural } from '../../core/text/plural';
import { renderRequestParent } from '../../presentation';
import type { BotDeps } from '../bot-deps';
import { recordAudit } from '../record-audit';
import { finishRollout, untouchedOf } from './finish-rollout';
import { startBatch } from './start-batch';
import { auditBase, errText, showStatus } from './status-message';

const FINISHED: readonly HostStage[] = ['done', 'failed', 'cancelled'];

/**
 * Starts a rollout (an approved upgrade, a rolling service verb), idempotently (the sweeper calls it again for an approval whose start was not
 * confirmed): the request becomes a rollout, the rollout is stored once, batch 1 is queued, and only then is the
 * start confirmed and the chat told. A chat that fails here costs a message, never the rollout.
 */
export async function startRollout(deps: BotDeps, plan: Plan, approvedBy: readonly string[]): Promise<void> {
  const req = await deps.requests.head(plan.id);
  if (!req || req.parentTs === undefined) return;
  const hosts: RolloutRecord['hosts'] = {};
  const now = deps.now();
  for (const h of plan.hosts) hosts[h.name] = { stage: 'pending', at: now, ...(h.from !== undefined ? { version: h.from } : {}) };
  await deps.requests.create({ ...req.record, kind: 'rollout', hosts: plan.hosts.map((h) => h.name) });
  if (await deps.rollouts.create({ plan, state: 'running', batch: 0, hosts, startedAt: now, approvedBy: [...approvedBy] })) {
    await recordAudit(deps, {
      ...auditBase(plan),
      type: 'rollout.started',
      data: {
        planHash: plan.hash,
        approvedBy,
        gate: approvedBy.length === 0 ? 'none' : (plan.gate ?? 'approval'),
        batches: batchesOf(plan),
        version: plan.version ?? null,
        failureBudget: plan.failureBudget,
        rollback: plan.rollback,
      },
    });
  }
  await startBatch(deps, plan, 0, req.parentTs);
  await deps.approvals.markStarted(plan.id);
  try {
    await deps.chat.update(
      plan.channelId,
      req.parentTs,
      renderRequestParent({
        requestId: plan.id,
        userId: plan.requestedBy,
        verb: plan.verb,
        hosts: plan.hosts.map((h) => h.name),
        state: 'running',
      }),
    );
    await showStatus(deps, plan.id, req.parentTs, true);
  } catch (err) {
    deps.logger.warn({ requestId: plan.id, err: errText(err) }, 'rollout started; its messages follow with the next event');
  }
}

/**
 * Looks at the current batch and does what is due, idempotently (events and the bot's sweeper both call it): queue
 * its hosts still pending, wait while any runs, or, once all answered, move on, halt or end.
 */
export async function advanceRollout(deps: BotDeps, id: string, parentTs: string, redraw = true): Promise<void> {
  const r = await deps.rollouts.get(id);
  if (!r || (r.state !== 'running' && r.state !== 'aborting')) {
    if (r && redraw) await showStatus(deps, id, parentTs, false);
    return;
  }
  const { plan } = r;
  const batches = batchesOf(plan);
  const batch = batches[r.batch] ?? [];
  const stageOfHost = (h: string) => r.hosts[h]?.stage ?? 'pending';
  const open = batch.filter((h) => !FINISHED.includes(stageOfHost(h)));
  if (open.length > 0) {
    if (r.state === 'running' && open.some((h) => stageOfHost(h) === 'pending')) await startBatch(deps, plan, r.batch, parentTs);
    else if (r.state === 'aborting' && open.every((h) => stageOfHost(h) === 'pending'))
      await finishRollout(deps, id, parentTs, 'aborted', `${r.reason ?? 'aborted'}; untouched: ${untouchedOf(r).join(', ') || 'none'}`);
    else if (redraw || r.statusTs === undefined) await showStatus(deps, id, parentTs, false);
    return;
  }
  const failed = plan.hosts.filter((h) => r.hosts[h.name]?.stage === 'failed');
  if (r.state === 'aborting') {
    await finishRollout(deps, id, parentTs, 'aborted', `${r.reason ?? 'aborted'}; untouched: ${untouchedOf(r).join(', ') || 'none'}`);
    return;
  }
  if (failed.length > plan.failureBudget) {
    const why = failed.map((h) => `${h.name}: ${r.hosts[h.name]?.detail ?? 'failed'}`).join('; ');
    await finishRollout(
      deps,
      id,
      parentTs,
      'halted',
      `${plural(failed.length, 'host')} failed (budget ${plan.failureBudget}): ${why.slice(0, 600)}`,
    );
    return;
  }
  const next = r.batch + 1;
  if (next >= batches.length) {
    await finishRollout(deps, id, parentTs, 'done', undefined);
    return;
  }
  if (!(await deps.rollouts.transition(id, ['running'], 'running', { batch: next }))) {
    await advanceRollout(deps, id, parentTs); // aborted meanwhile
    return;
  }
  await startBatch(deps, plan, next, parentTs);
}
