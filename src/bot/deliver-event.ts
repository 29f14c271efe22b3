import { markRequestDone } from './close-request';
import { renderGraceConfirm, renderHostResult, renderHostResults, summarizeResults } from '../presentation';
import { renderParentOf } from '../presentation/request-parent';
import type { RequestProgress, RequestRecord } from '../ports/request-store-port';
import { deliverGraceEvent } from './deliver-grace-event';
import { deliverWaiting } from './deliver-waiting';
import { hostJobId } from '../core/jobs/host-jobs';
import type { JobEvent } from '../ports/job-queue-port';
import type { BotDeps } from './bot-deps';
import { NotReadyError } from './not-ready-error';
import { deliverSurveyResult } from './present-plan';
import { claimOnce } from './claim-once';
import { noteFailovers } from './note-failovers';
import { deliverRolloutEvent } from './rollout/deliver-rollout-event';

export { NotReadyError } from './not-ready-error';

/**
 * Requests on more hosts than this get their results as a compact table once every host answered, rather than a
 * reply per host: Slack paces thread replies to about one a second, so 50 replies would hold the summary a minute.
 */
export const REPLY_PER_HOST_MAX = 5;

/**
 * Delivers one job event into its request's thread: a reply per host result (once, even when the event is
 * delivered twice); the parent message edited with the summary when every host has answered; for big fan-outs,
 * then a compact table of all results instead of the per-host replies.
 */
export async function deliverEvent(deps: BotDeps, event: JobEvent, eventId = `${event.jobId}:${event.type}:${event.at}`): Promise<void> {
  if (event.type === 'job.started') return;
  if (event.type === 'job.result') {
    // A fan-out's or a plan survey's results read the request's head only (not the results so far, which would make
    // a 200-host request's events read O(N²) bytes in all); every result is read once, when the last one is in.
    const head = await deps.requests.head(event.requestId);
    if (!head) return dropUnknown(deps, event);
    if (head.record.kind === 'survey') return deliverSurveyResult(deps, head.record, event.result);
    if (isFanOut(head.record)) return deliverFanOutResult(deps, head.record, head.parentTs, event);
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
  if (event.type === 'fanout.failed') return; // ISSUE 20 (lead): answered by the fan-out delivery
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
  if (stored >= record.hosts.length) await finish(deps, record, parentTs, false);
}

/** A verb request (run at once, or once approved) on more than {@link REPLY_PER_HOST_MAX} hosts. */
function isFanOut(record: RequestRecord): boolean {
  return record.kind !== 'survey' && record.kind !== 'rollout' && record.hosts.length > REPLY_PER_HOST_MAX;
}

function dropUnknown(deps: BotDeps, event: JobEvent): void {
  deps.logger.warn({ requestId: event.requestId }, 'result for an unknown or expired request; dropped');
}

async function deliverFanOutResult(
  deps: BotDeps,
  record: RequestRecord,
  parentTs: string | undefined,
  event: Extract<JobEvent, { type: 'job.result' }>,
): Promise<void> {
  if (parentTs === undefined) throw new NotReadyError(`request ${record.requestId}: parent message not posted yet`);
  const stored = await deps.requests.saveResult(record.requestId, event.result);
  if (stored >= record.hosts.length) await finish(deps, record, parentTs, true);
}

/**
 * Once every host answered: the parent message edited with the summary, then (fan-outs) the compact table, then the
 * request marked done and audited, once, whatever the duplicate deliveries.
 */
async function finish(deps: BotDeps, record: RequestRecord, parentTs: string, fanOut: boolean): Promise<void> {
  const latest = await deps.requests.get(record.requestId);
  if (!latest || latest.done || latest.results.length < record.hosts.length) return;
  const summary = summarizeResults(latest.results, record.hosts.length);
  const elapsedMs = Math.max(...latest.results.map((r) => r.durationMs), deps.now() - record.createdAt);
  await deps.chat.update(record.channelId, parentTs, renderParentOf(record, { state: 'done', summary, elapsedMs }));
  // A fan-out's table comes after the summary edit: its replies are paced (Slack: ~1 post/s per channel), the edit
  // is not, so the summary never waits behind them. Done (and audited) once the table is posted too.
  if (fanOut) await postTable(deps, latest, parentTs);
  await noteFailovers(deps, record, parentTs, new Set(latest.results.map((r) => r.host)).size === record.hosts.length);
  await markRequestDone(deps, record, parentTs, { summary: summary.text, hosts: record.hosts.length });
}

/** For big fan-outs, once every host answered: the results as compact replies (a few messages), then confirmation cards. */
async function postTable(deps: BotDeps, latest: RequestProgress, parentTs: string): Promise<void> {
  const requestId = latest.record.requestId;
  const unposted = latest.results.filter((r) => !latest.posted.has(r.host));
  const claim = `table:${unposted.map((r) => r.host).join(',')}`;
  if (unposted.length === 0) return;
  let firstTs = '';
  const posted = await claimOnce(deps, requestId, claim, async () => {
    for (const message of renderHostResults(unposted)) {
      const reply = await deps.chat.post(latest.record.channelId, message, parentTs);
      firstTs ||= reply.ts;
    }
  });
  if (!posted) return;
  for (const r of unposted) await deps.requests.markPosted(requestId, r.host, firstTs);
  for (const r of unposted.filter((x) => x.errorCode === 'confirmation_required')) {
    const value = { requestId, jobId: hostJobId(requestId, r.host), host: r.host };
    await deps.chat.post(latest.record.channelId, renderGraceConfirm(r.host, r.before, value), parentTs);
  }
}
