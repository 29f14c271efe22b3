import { jobInventory } from '../pin-inventory';
import { batchesOf, planDrift, type Plan } from '../../core/rollout/plan';
import { escapeSlackText } from '../../core/text/escape-slack-text';
import type { HostJob } from '../../ports/job-queue-port';
import { isServiceVerb } from '../../core/verbs';
import { drainsOnQuit } from '../../core/grace/grace-progress';
import type { BotDeps } from '../bot-deps';
import { cancelQueuedHosts } from '../cancel-queued-hosts';
import { hostJobs } from '../../core/jobs/host-jobs';
import { recordAudit } from '../record-audit';
import { finishRollout } from './finish-rollout';
import { auditBase, errText, showStatus } from './status-message';

/**
 * Queues the hosts of batch `index` still pending (idempotent: job ids are stable, and hosts already queued are left
 * alone), after checking that the plan still holds for later batches. An abort that lands meanwhile cancels what
 * was just queued.
 */
export async function startBatch(deps: BotDeps, plan: Plan, index: number, parentTs: string): Promise<void> {
  const r = await deps.rollouts.get(plan.id);
  if (!r || r.state !== 'running' || r.batch !== index) return;
  if (index > 0) {
    const drift = planDrift(plan, deps.config, deps.hostKeys());
    if (drift !== undefined) {
      await finishRollout(
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
    const jobs =
      plan.verb === 'upgrade' ? upgradeJobs(deps, plan, names, now) : rollingJobs(deps, plan, names, now, r.approvedBy.length > 0);
    try {
      await deps.queue.enqueue(jobs);
    } catch (err) {
      deps.logger.error({ requestId: plan.id, batch: index, err: errText(err) }, 'rollout batch not queued');
      await finishRollout(
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
  await announceBatch(deps, plan, index, parentTs);
  await showStatus(deps, plan.id, parentTs, false);
}

/** The upgrade job of each host of a batch, with what the approvers saw: the version, the drain, the checks. */
function upgradeJobs(deps: BotDeps, plan: Plan, names: string[], now: number): HostJob[] {
  return hostJobs(
    plan.id,
    names,
    {
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
    },
    jobInventory(deps),
  );
}

/**
 * The job of each host of a batch of a rolling service verb: the verb with its options, and what the plan bound: its
 * hash, the machine, the health gate's time, the drain's deadline and whether it forces the quit there. Someone who
 * saw the plan (an approver, the requester confirming) has seen an SRS 5.0 host's "clients are dropped" warning.
 */
function rollingJobs(deps: BotDeps, plan: Plan, names: string[], now: number, seen: boolean): HostJob[] {
  if (!isServiceVerb(plan.verb)) return [];
  return hostJobs(
    plan.id,
    names,
    {
      verb: plan.verb,
      requestedBy: plan.requestedBy,
      enqueuedAt: now,
      optionsFor: (host) => {
        const planned = plan.hosts.find((h) => h.name === host);
        return {
          ...(plan.options ?? {}),
          ...(plan.drain !== undefined ? { deadlineMs: plan.drain.deadlineMs } : {}),
          ...(seen && planned?.from !== undefined && !drainsOnQuit(planned.from) ? { confirmed: true } : {}),
          rolling: {
            planHash: plan.hash,
            healthTimeoutMs: plan.healthTimeoutMs ?? deps.config.rolling.healthTimeoutMs,
            forceAtDeadline: plan.drain?.force ?? false,
            ...(planned?.identity !== undefined ? { identity: planned.identity } : {}),
          },
        };
      },
    },
    jobInventory(deps),
  );
}

/** The batch's start, once: on the audit log (`rollout.batch`) and in the thread. */
async function announceBatch(deps: BotDeps, plan: Plan, index: number, parentTs: string): Promise<void> {
  if (!(await deps.requests.claim(plan.id, `batch:${index}`))) return;
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
