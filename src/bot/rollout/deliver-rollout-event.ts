import type { JobEvent } from '../../ports/job-queue-port';
import type { HostStage } from '../../core/rollout/rollout-record';
import type { VerbResult } from '../../core/verb-result';
import { renderGraceDeadlinePrompt, renderGraceLine, renderHostResult, slackToPlainText } from '../../presentation';
import type { RequestProgress } from '../../ports/request-store-port';
import type { BotDeps } from '../bot-deps';
import { claimOnce } from '../claim-once';
import { advanceRollout } from './advance-rollout';
import { showStatus } from './status-message';

type RolloutEvent = Exclude<JobEvent, { type: 'job.started' }>;

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
      stage: progress.record.verb === 'grace' ? 'running' : 'restarting',
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
    ...(result.drain !== undefined ? { drain: result.drain } : {}),
  });
  if (!progress.posted.has(event.host)) {
    await claimOnce(deps, id, `result:${event.host}`, async () => {
      const reply = await deps.chat.post(progress.record.channelId, renderHostResult(result), parentTs);
      await deps.requests.markPosted(id, event.host, reply.ts);
    });
  }
  await advanceRollout(deps, id, parentTs);
}
