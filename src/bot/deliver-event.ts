import { markRequestDone } from './close-request';
import { renderGraceConfirm, renderHostResult, summarizeResults } from '../presentation';
import { renderParentOf } from '../presentation/request-parent';
import type { RequestRecord } from '../ports/request-store-port';
import { deliverGraceEvent } from './deliver-grace-event';
import { deliverWaiting } from './deliver-waiting';
import type { JobEvent } from '../ports/job-queue-port';
import type { BotDeps } from './bot-deps';
import { NotReadyError } from './not-ready-error';
import { deliverSurveyResult } from './present-plan';
import { noteFailovers } from './note-failovers';
import { deliverRolloutEvent } from './rollout/deliver-rollout-event';
import { deliverFanOutResult, isFanOut } from './deliver-fan-out';
import { deliverFanOutFailed } from './deliver-fan-out-failed';

export { NotReadyError } from './not-ready-error';
export { REPLY_PER_HOST_MAX } from './deliver-fan-out';

/**
 * Delivers one job event into its request's thread: a reply per host result (once, even when the event is
 * delivered twice); the parent message edited with the summary when every host has answered. Fan-outs (accepted as
 * one job, or on more than REPLY_PER_HOST_MAX hosts) get their progress and one table instead (deliver-fan-out).
 */
export async function deliverEvent(deps: BotDeps, event: JobEvent, eventId = `${event.jobId}:${event.type}:${event.at}`): Promise<void> {
  if (event.type === 'job.started') return;
  if (event.type === 'job.result') {
    // A fan-out's or a plan survey's results read the request's head only (not the results so far, which would make
    // a 200-host request's events read O(N²) bytes in all); every result is read once, when the last one is in.
    const head = await deps.requests.head(event.requestId);
    if (!head) return dropUnknown(deps, event);
    if (head.record.kind === 'survey') return deliverSurveyResult(deps, head.record, event.result);
    if (isFanOut(head.record)) return deliverFanOutResult(deps, head, event);
  }
  const progress = await deps.requests.get(event.requestId);
  if (!progress) return dropUnknown(deps, event);
  const { record } = progress;
  if (record.kind === 'survey') return; // only its results count (above)
  if (progress.parentTs === undefined) throw new NotReadyError(`request ${record.requestId}: parent message not posted yet`);
  const parentTs = progress.parentTs;
  if (event.type === 'job.waiting') return deliverWaiting(deps, progress, parentTs, event);
  if (record.kind === 'rollout') {
    await deliverRolloutEvent(deps, progress, parentTs, event);
    return;
  }
  if (event.type === 'upgrade.stage') return;
  if (event.type === 'fanout.failed') return deliverFanOutFailed(deps, progress, parentTs, event);
  if (event.type !== 'job.result') {
    await deliverGraceEvent(deps, progress, parentTs, event, eventId);
    return;
  }
  const stored = await deps.requests.saveResult(record.requestId, event.result);
  if (!progress.posted.has(event.host)) {
    const reply = await deps.chat.post(record.channelId, renderHostResult(event.result), parentTs);
    await deps.requests.markPosted(record.requestId, event.host, reply.ts);
    if (event.result.errorCode === 'confirmation_required') {
      const value = { requestId: record.requestId, jobId: event.jobId, host: event.host };
      await deps.chat.post(record.channelId, renderGraceConfirm(event.host, event.result.before, value), parentTs);
    }
  }
  if (stored >= record.hosts.length) await finish(deps, record, parentTs);
}

function dropUnknown(deps: BotDeps, event: JobEvent): void {
  deps.logger.warn({ requestId: event.requestId }, 'result for an unknown or expired request; dropped');
}

/** Once every host answered: the parent message edited with the summary, then the request marked done and audited. */
async function finish(deps: BotDeps, record: RequestRecord, parentTs: string): Promise<void> {
  const latest = await deps.requests.get(record.requestId);
  if (!latest || latest.done || latest.results.length < record.hosts.length) return;
  const summary = summarizeResults(latest.results, record.hosts.length);
  const elapsedMs = Math.max(...latest.results.map((r) => r.durationMs), deps.now() - record.createdAt);
  await deps.chat.update(record.channelId, parentTs, renderParentOf(record, { state: 'done', summary, elapsedMs }));
  await noteFailovers(deps, record, parentTs, new Set(latest.results.map((r) => r.host)).size === record.hosts.length);
  await markRequestDone(deps, record, parentTs, { summary: summary.text, hosts: record.hosts.length });
}
