import { FAN_OUT_ABOVE, isFanOutSize } from '../core/jobs/fan-out-size';
import { noteFailovers } from './note-failovers';
import { hostJobId } from '../core/jobs/host-jobs';
import { needsLook } from '../core/fan-out/order-results';
import type { VerbResult } from '../core/verb-result';
import type { JobEvent } from '../ports/job-queue-port';
import { requestHostCount, type FanOutEnd, type RequestHead, type RequestProgress, type RequestRecord } from '../ports/request-store-port';
import { renderGraceConfirm, renderHostResults, summarizeResults } from '../presentation';
import { renderFanOutFailures } from '../presentation/fan-out-failures';
import { fanOutProgressNote } from '../presentation/fan-out-summary';
import { renderFanOutTable } from '../presentation/fan-out-table';
import { renderParentOf } from '../presentation/request-parent';
import type { BotDeps } from './bot-deps';
import { claimOnce } from './claim-once';
import { markRequestDone } from './close-request';
import { NotReadyError } from './not-ready-error';

/**
 * Requests on more hosts than this get their results as a table once every host answered, rather than a reply per
 * host: Slack paces thread replies to about one a second, so 50 replies would hold the summary a minute.
 */
export const REPLY_PER_HOST_MAX = FAN_OUT_ABOVE;

/** Progress edits of the parent a fan-out asks for at most (PacedChat coalesces them further, to one per 2 s). */
const PROGRESS_EDITS = 20;

/** Marks, among the request's posted hosts, that the table and its replies were posted (no host is named so). */
const TABLE_MARK = '#table';

/** A verb request (run at once, or once approved) accepted as a fan-out, or on more than {@link REPLY_PER_HOST_MAX} hosts. */
export function isFanOut(record: RequestRecord): boolean {
  return record.kind !== 'survey' && record.kind !== 'rollout' && (record.fanOut !== undefined || isFanOutSize(record.hosts.length));
}

/**
 * One host's result of a fan-out: stored (its request's head only was read, never the results so far); the parent
 * shows the progress every 1/{@link PROGRESS_EDITS} of the hosts; when the last host answered, {@link finishFanOut}.
 */
export async function deliverFanOutResult(
  deps: BotDeps,
  head: RequestHead,
  event: Extract<JobEvent, { type: 'job.result' }>,
): Promise<void> {
  const { record, parentTs } = head;
  if (parentTs === undefined) throw new NotReadyError(`request ${record.requestId}: parent message not posted yet`);
  const stored = await deps.requests.saveResult(record.requestId, event.result);
  // Done: a duplicate, or a host answering after a fan-out that ended early. Kept (paging shows it), never re-read
  // here: 1,000 duplicates must not read the 1,000 results 1,000 times.
  if (head.done) return;
  const expected = head.end?.expected ?? requestHostCount(record);
  if (stored >= expected) return finishFanOut(deps, record, parentTs, head.end ?? {});
  if (stored % Math.max(1, Math.ceil(expected / PROGRESS_EDITS)) === 0) showProgress(deps, record, parentTs, expected);
}

/**
 * The parent edited with `412 of 1,000 answered · 3 failed`. Not awaited by the event's delivery: the chat holds an
 * edit up to 2 s to coalesce it, and the request's next results must not wait behind it; a later edit (the next
 * progress, the summary) replaces one that is still held, and a failed one is only logged (the next one says more).
 */
function showProgress(deps: BotDeps, record: RequestRecord, parentTs: string, expected: number): void {
  const edit = async () => {
    const tally = await deps.requests.tally(record.requestId);
    if (tally.answered >= expected) return; // the summary is on its way
    const note = fanOutProgressNote(tally.answered, expected, tally.byOutcome);
    // Dropped when every host has answered by the time it goes out: the summary (perhaps another replica's) stands.
    const stale = async () => (await deps.requests.tally(record.requestId)).answered >= expected;
    await deps.chat.update(record.channelId, parentTs, renderParentOf(record, { state: 'running', note }), { stale });
  };
  edit().catch((err: unknown) =>
    deps.logger.warn({ requestId: record.requestId, err: err instanceof Error ? err.message : String(err) }, 'fan-out progress not shown'),
  );
}

/** How a fan-out ends: `expected` results (every host by default; fewer when its expansion failed), `note` why. */
export interface FinishOptions {
  /** Results that end it. @defaultValue requestHostCount(record) */
  expected?: number;
  /** Said after the summary in the parent (`600 hosts not run: …`), Slack mrkdwn. */
  note?: string;
}

/**
 * Ends a fan-out with fewer results than its hosts (its expansion failed after `end.expected` host jobs were queued):
 * recorded, so that the results still on their way finish it, and finished now if they are all in. The summary says
 * `end.note` after the counts. For the `fanout.failed` event's delivery.
 */
export async function endFanOutEarly(deps: BotDeps, record: RequestRecord, parentTs: string, end: FanOutEnd): Promise<void> {
  await deps.requests.endEarly(record.requestId, end);
  const kept = (await deps.requests.head(record.requestId))?.end ?? end;
  await finishFanOut(deps, record, parentTs, kept);
}

/**
 * Once `expected` hosts answered: the parent edited with the summary, then ONE table message (summary and a page of
 * rows, failures first, Prev / Next), then the hosts that need a look as a few compact replies, the confirmation
 * cards, and the request marked done and audited. Each step once, whatever the duplicate deliveries and replicas.
 * A host answering again later (reopened by a confirmation) gets its result as a reply of its own.
 */
export async function finishFanOut(deps: BotDeps, record: RequestRecord, parentTs: string, options: FinishOptions = {}): Promise<void> {
  const hostCount = requestHostCount(record);
  const expected = Math.min(options.expected ?? hostCount, hostCount);
  const latest = await deps.requests.get(record.requestId);
  if (!latest || latest.done || latest.results.length < expected) return;
  const counted = summarizeResults(latest.results, expected);
  const summary = options.note === undefined ? counted : { ...counted, text: `${counted.text} · ${options.note}` };
  const elapsedMs = latest.results.reduce((max, r) => Math.max(max, r.durationMs), deps.now() - record.createdAt);
  await deps.chat.update(record.channelId, parentTs, renderParentOf(record, { state: 'done', summary, elapsedMs }));
  // The table comes after the summary edit: replies are paced (Slack: ~1 post/s per channel), the edit is not.
  if (latest.posted.has(TABLE_MARK)) await postLate(deps, latest, parentTs);
  else await postTable(deps, latest, parentTs);
  await noteFailovers(deps, record, parentTs, new Set(latest.results.map((r) => r.host)).size === latest.results.length);
  await markRequestDone(deps, record, parentTs, { summary: summary.text, hosts: hostCount });
}

/** The table, the failures' replies and the confirmation cards, each once; then every result marked as posted. */
async function postTable(deps: BotDeps, latest: RequestProgress, parentTs: string): Promise<void> {
  const { requestId, channelId } = latest.record;
  await claimOnce(deps, requestId, 'table', async () => {
    const view = { requestId, verb: latest.record.verb, hostCount: requestHostCount(latest.record), results: latest.results, page: 0 };
    await deps.chat.post(
      channelId,
      renderFanOutTable({ ...view, ...(latest.record.fanOut ? { target: latest.record.fanOut.target } : {}) }),
      parentTs,
    );
  });
  await claimOnce(deps, requestId, 'failures', async () => {
    for (const message of renderFanOutFailures(latest.results.filter(needsLook))) await deps.chat.post(channelId, message, parentTs);
  });
  await postCards(deps, latest, parentTs, latest.results);
  await deps.requests.markPosted(requestId, [...latest.results.map((r) => r.host), TABLE_MARK], parentTs);
}

/** Results of hosts that answered again after the table (a confirmation reopened them): a compact reply, once. */
async function postLate(deps: BotDeps, latest: RequestProgress, parentTs: string): Promise<void> {
  const late = latest.results.filter((r) => !latest.posted.has(r.host));
  if (late.length === 0) return;
  const key = `late:${late.map((r) => `${r.host}/${r.durationMs}`).join(',')}`.slice(0, 500);
  await claimOnce(deps, latest.record.requestId, key, async () => {
    for (const message of renderHostResults(late)) await deps.chat.post(latest.record.channelId, message, parentTs);
  });
  await postCards(deps, latest, parentTs, late);
  await deps.requests.markPosted(
    latest.record.requestId,
    late.map((r) => r.host),
    parentTs,
  );
}

/** A confirmation card for each host whose SRS cannot drain (confirmation_required), once each. */
async function postCards(deps: BotDeps, latest: RequestProgress, parentTs: string, results: readonly VerbResult[]): Promise<void> {
  const requestId = latest.record.requestId;
  for (const r of results.filter((x) => x.errorCode === 'confirmation_required' && !latest.posted.has(x.host))) {
    const value = { requestId, jobId: hostJobId(requestId, r.host), host: r.host };
    await claimOnce(deps, requestId, `card:${r.host}/${r.durationMs}`, () =>
      deps.chat.post(latest.record.channelId, renderGraceConfirm(r.host, r.before, value), parentTs),
    );
  }
}
