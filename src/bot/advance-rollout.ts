import type { JobEvent } from '../ports/job-queue-port';
import { batchesOf, planDrift, type Plan } from '../core/rollout/plan';
import type { HostStage, RolloutRecord } from '../core/rollout/rollout-record';
import {
  renderGraceDeadlinePrompt,
  renderGraceLine,
  renderHostResult,
  renderRequestParent,
  renderRolloutStatus,
  slackToPlainText,
  summarizeResults,
} from '../presentation';
import { escapeSlackText } from '../core/text/escape-slack-text';
import type { VerbResult } from '../core/verb-result';
import type { RequestProgress } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import { cancelQueuedHosts } from './cancel-queued-hosts';
import { hostJobs } from './host-jobs';
import { claimOnce } from './claim-once';
import { recordAudit } from './record-audit';
import { plural } from '../core/text/plural';

type RolloutEvent = Exclude<JobEvent, { type: 'job.started' }>;

const FINISHED: readonly HostStage[] = ['done', 'failed', 'cancelled'];

function auditBase(plan: Plan) {
  return { actor: 'system', channel: plan.channelId, requestId: plan.id, correlationId: plan.id, verb: 'upgrade' };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Edits the rollout's status message (or posts it the first time). Edits are coalesced by the chat. */
async function showStatus(deps: BotDeps, id: string, parentTs: string, wait: boolean): Promise<void> {
  const r = await deps.rollouts.get(id);
  if (!r) return;
  const message = renderRolloutStatus(r, deps.now());
  if (r.statusTs === undefined) {
    // A failed post gives the claim back: the next event or sweep posts it.
    await claimOnce(deps, id, 'rollout-status', async () => {
      const posted = await deps.chat.post(r.plan.channelId, message, parentTs);
      await deps.rollouts.setStatusTs(id, posted.ts);
    });
    return;
  }
  const edit = deps.chat.update(r.plan.channelId, r.statusTs, message);
  if (wait) await edit;
  else
    edit.catch((err: unknown) =>
      deps.logger.warn({ requestId: id, err: errText(err) }, 'rollout status edit failed; the next event retries'),
    );
}

/**
 * Starts an approved upgrade, idempotently (the sweeper calls it again for an approval whose start was not
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
        verb: 'upgrade',
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
 * Queues the hosts of batch `index` still pending (idempotent: job ids are stable, and hosts already queued are left
 * alone), after checking that the plan still holds for later batches. An abort that lands meanwhile cancels what
 * was just queued.
 */
async function startBatch(deps: BotDeps, plan: Plan, index: number, parentTs: string): Promise<void> {
  const r = await deps.rollouts.get(plan.id);
  if (!r || r.state !== 'running' || r.batch !== index) return;
  if (index > 0) {
    const drift = planDrift(plan, deps.config, deps.hostKeys());
    if (drift !== undefined) {
      await finish(
        deps,
        plan.id,
        parentTs,
        'halted',
        `the plan changed since it was approved (${drift}); hosts not yet upgraded were not touched: ask for a new plan`,
      );
      return;
    }
  }
  const names = (batchesOf(plan)[index] ?? []).filter((h) => (r.hosts[h]?.stage ?? 'pending') === 'pending');
  if (names.length > 0) {
    const now = deps.now();
    const jobs = hostJobs(plan.id, names, {
      verb: 'upgrade',
      requestedBy: plan.requestedBy,
      enqueuedAt: now,
      optionsFor: (host) => {
        const planned = plan.hosts.find((h) => h.name === host);
        return {
          confirmed: true, // the approvers saw the plan, 5.0's "clients are dropped" included
          ...(plan.drain !== undefined ? { deadlineMs: plan.drain.deadlineMs } : {}),
          upgrade: {
            version: plan.version ?? '',
            from: planned?.from ?? '',
            rollback: plan.rollback,
            healthTimeoutMs: plan.healthTimeoutMs ?? deps.config.upgrade.healthTimeoutMs,
            planHash: plan.hash,
            forceAtDeadline: plan.drain?.force ?? false,
            install: plan.install ?? [],
            ...(planned?.identity !== undefined ? { identity: planned.identity } : {}),
          },
        };
      },
    });
    try {
      await deps.queue.enqueue(jobs);
    } catch (err) {
      deps.logger.error({ requestId: plan.id, batch: index, err: errText(err) }, 'rollout batch not queued');
      await finish(
        deps,
        plan.id,
        parentTs,
        'halted',
        `batch ${index + 1} could not be queued (Redis refused the jobs); its hosts were not touched`,
      );
      return;
    }
    for (const host of names) await deps.rollouts.setHost(plan.id, host, { stage: 'queued', at: now });
    const after = await deps.rollouts.get(plan.id);
    if (after?.state === 'aborting') await cancelQueuedHosts(deps, after, 'the abort'); // it landed while this batch was queued
  }
  if (await deps.requests.claim(plan.id, `batch:${index}`)) {
    await recordAudit(deps, {
      ...auditBase(plan),
      type: 'rollout.batch',
      data: { batch: index + 1, of: batchesOf(plan).length, hosts: batchesOf(plan)[index] ?? [] },
    });
    const text = `:arrow_forward: Batch ${index + 1} of ${batchesOf(plan).length} started: ${(batchesOf(plan)[index] ?? []).map((n) => `\`${escapeSlackText(n)}\``).join(', ')}`;
    await deps.chat
      .post(plan.channelId, { text }, parentTs)
      .catch((err: unknown) => deps.logger.warn({ requestId: plan.id, err: errText(err) }, 'batch message not posted'));
  }
  await showStatus(deps, plan.id, parentTs, false);
}

function stageOf(result: VerbResult): HostStage {
  if (result.errorCode === 'cancelled' || result.errorCode === 'aborted') return 'cancelled';
  return result.outcome === 'ok' ? 'done' : 'failed';
}

/**
 * An upgrade job's stage or result: the host's line on the status message; a result also gets its own reply in
 * the thread, and when the batch is complete the rollout moves on, halts (failures over the budget, the hosts not
 * yet touched stay untouched) or ends (done, aborted).
 */
export async function deliverRolloutEvent(deps: BotDeps, progress: RequestProgress, parentTs: string, event: RolloutEvent): Promise<void> {
  const id = progress.record.requestId;
  if (event.type.startsWith('grace.') && 'progress' in event) {
    // The drain shows on the host's line of the status message; only the deadline question is its own reply.
    await deps.rollouts.setHost(id, event.host, {
      stage: 'restarting',
      detail: slackToPlainText(renderGraceLine(event.progress, event.at)),
      at: event.at,
    });
    if (event.type === 'grace.deadline') {
      // As every other reply: a failed post gives the claim back, so the event's retry asks again.
      const value = { requestId: id, jobId: event.jobId, host: event.host };
      await claimOnce(deps, id, `deadline:${event.jobId}:${event.at}`, () =>
        deps.chat.post(progress.record.channelId, renderGraceDeadlinePrompt(event.progress, value, event.extendMs, event.at), parentTs),
      );
    }
    await showStatus(deps, id, parentTs, false);
    return;
  }
  if (event.type === 'upgrade.stage') {
    await deps.rollouts.setHost(id, event.host, {
      stage: event.stage,
      at: event.at,
      ...(event.detail !== undefined ? { detail: event.detail } : {}),
    });
    await showStatus(deps, id, parentTs, false);
    return;
  }
  if (event.type !== 'job.result') return;
  const { result } = event;
  await deps.requests.saveResult(id, result);
  await deps.rollouts.setHost(id, event.host, {
    stage: stageOf(result),
    outcome: result.outcome,
    detail: result.summary.slice(0, 300),
    at: Math.max(event.at, deps.now()),
    ...(result.after.version !== undefined ? { version: result.after.version } : {}),
  });
  if (!progress.posted.has(event.host)) {
    await claimOnce(deps, id, `result:${event.host}`, async () => {
      const reply = await deps.chat.post(progress.record.channelId, renderHostResult(result), parentTs);
      await deps.requests.markPosted(id, event.host, reply.ts);
    });
  }
  await advanceRollout(deps, id, parentTs);
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
      await finish(deps, id, parentTs, 'aborted', `${r.reason ?? 'aborted'}; untouched: ${untouchedOf(r).join(', ') || 'none'}`);
    else if (redraw || r.statusTs === undefined) await showStatus(deps, id, parentTs, false);
    return;
  }
  const failed = plan.hosts.filter((h) => r.hosts[h.name]?.stage === 'failed');
  if (r.state === 'aborting') {
    await finish(deps, id, parentTs, 'aborted', `${r.reason ?? 'aborted'}; untouched: ${untouchedOf(r).join(', ') || 'none'}`);
    return;
  }
  if (failed.length > plan.failureBudget) {
    const why = failed.map((h) => `${h.name}: ${r.hosts[h.name]?.detail ?? 'failed'}`).join('; ');
    await finish(
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
    await finish(deps, id, parentTs, 'done', undefined);
    return;
  }
  if (!(await deps.rollouts.transition(id, ['running'], 'running', { batch: next }))) {
    await advanceRollout(deps, id, parentTs); // aborted meanwhile
    return;
  }
  await startBatch(deps, plan, next, parentTs);
}

function untouchedOf(r: RolloutRecord): string[] {
  return r.plan.hosts.filter((h) => ['pending', 'queued'].includes(r.hosts[h.name]?.stage ?? 'pending')).map((h) => h.name);
}

/** Ends the rollout: state, final status message, a reply saying what every host is now, the request's summary. */
async function finish(
  deps: BotDeps,
  id: string,
  parentTs: string,
  to: 'done' | 'halted' | 'aborted',
  reason: string | undefined,
): Promise<void> {
  // Idempotent: the state moves once (and is audited then); the messages are claimed, so a retried delivery
  // (chat down) posts what is missing and never twice.
  const moved = await deps.rollouts.transition(id, ['running', 'aborting'], to, {
    endedAt: deps.now(),
    ...(reason !== undefined ? { reason } : {}),
  });
  const r = await deps.rollouts.get(id);
  const req = await deps.requests.get(id);
  if (!r || !req || r.state !== to) return;
  const { plan } = r;
  const why = r.reason ?? reason ?? '';
  if (moved) {
    await recordAudit(deps, {
      ...auditBase(plan),
      type: to === 'done' ? 'rollout.done' : to === 'halted' ? 'rollout.halted' : 'rollout.aborted',
      data: {
        reason: why || null,
        hosts: Object.fromEntries(
          plan.hosts.map((h) => [
            h.name,
            { stage: r.hosts[h.name]?.stage ?? 'pending', version: r.hosts[h.name]?.version ?? h.from ?? null },
          ]),
        ),
      },
    });
  }
  const states = plan.hosts.map((h) => {
    const s = r.hosts[h.name];
    const stage = s?.stage ?? 'pending';
    return `\`${escapeSlackText(h.name)}\` ${stage === 'pending' || stage === 'queued' ? 'untouched' : stage}, runs ${escapeSlackText(s?.version ?? h.from ?? '?')}`;
  });
  const failed = plan.hosts.filter((h) => r.hosts[h.name]?.stage === 'failed').map((h) => h.name);
  const version = escapeSlackText(plan.version ?? '?');
  let head: string;
  if (to === 'done')
    head =
      failed.length === 0
        ? `:white_check_mark: Rollout done: every host runs ${version}`
        : `:warning: Rollout done with ${plural(failed.length, 'failed host')} within the budget of ${plan.failureBudget} (${failed.join(', ')}): the others run ${version}`;
  else if (to === 'halted') head = `:octagonal_sign: Rollout HALTED: ${escapeSlackText(why)}`;
  else head = `:no_entry_sign: Rollout aborted: ${escapeSlackText(why)}`;
  await claimOnce(deps, id, 'rollout-final', () => deps.chat.post(plan.channelId, { text: `${head}\n${states.join('\n')}` }, parentTs));
  await showStatus(deps, id, parentTs, true);
  const summary = summarizeResults(req.results, plan.hosts.length);
  const text = to === 'done' ? summary.text : `${to}: ${summary.text}`;
  await deps.chat.update(
    plan.channelId,
    parentTs,
    renderRequestParent({
      requestId: id,
      userId: plan.requestedBy,
      verb: 'upgrade',
      hosts: plan.hosts.map((h) => h.name),
      state: 'done',
      summary: to === 'done' ? summary : text,
      elapsedMs: deps.now() - r.startedAt,
    }),
  );
  if (await deps.requests.markDone(id)) {
    await recordAudit(deps, {
      ...auditBase(plan),
      actor: plan.requestedBy,
      type: 'request.done',
      data: { threadTs: parentTs, summary: text, hosts: plan.hosts.length },
    });
  }
}
