import type { GraceProgress } from '../core/grace/grace-progress';
import { renderGraceBoard, renderGraceDeadlinePrompt, renderGraceMilestone, renderGracePreflight } from '../presentation';
import type { JobEvent } from '../ports/job-queue-port';
import type { RequestProgress } from '../ports/request-store-port';
import { claimOnce } from './claim-once';
import type { BotDeps } from './bot-deps';

type GraceEvent = Extract<JobEvent, { type: 'grace.preflight' | 'grace.progress' | 'grace.milestone' | 'grace.deadline' }>;

/** Edits (or first posts) the one graceful-quit status message of a request: a line per host. */
async function updateBoard(deps: BotDeps, req: RequestProgress, parentTs: string, now = false): Promise<void> {
  const { record } = req;
  const lines: GraceProgress[] = record.hosts.flatMap((h) => {
    const p = req.grace.get(h);
    return p ? [p] : [];
  });
  const message = renderGraceBoard(record.verb, lines, deps.now());
  if (req.boardTs !== undefined) {
    // Not awaited: the chat coalesces edits (one per 2 s per message) and the next progress repairs a failed one;
    // waiting here would hold every event behind it. Final results and milestones are awaited (never dropped).
    deps.chat.update(record.channelId, req.boardTs, message, { now }).catch((err: unknown) => {
      deps.logger.warn(
        { requestId: record.requestId, err: err instanceof Error ? err.message : String(err) },
        'status message edit failed; the next progress retries',
      );
    });
    return;
  }
  if (!(await deps.requests.claim(record.requestId, 'board'))) return; // another delivery is posting it
  const posted = await deps.chat.post(record.channelId, message, parentTs);
  await deps.requests.setBoard(record.requestId, posted.ts);
}

/**
 * Delivers graceful-quit events: the pre-flight and milestones as thread replies (once each, even when delivered
 * twice), the deadline question with its buttons, and the live status message edited in place (coalesced).
 */
export async function deliverGraceEvent(
  deps: BotDeps,
  req: RequestProgress,
  parentTs: string,
  event: GraceEvent,
  eventId: string,
): Promise<void> {
  const { record } = req;
  await deps.requests.saveGrace(record.requestId, event.progress);
  req.grace.set(event.host, event.progress);
  /** Posts a reply once per event, even when the event is delivered twice; a failed post is retried with the event. */
  const once = (what: string, post: () => Promise<unknown>) => claimOnce(deps, record.requestId, `${what}:${eventId}`, post);
  switch (event.type) {
    case 'grace.preflight':
      await once('preflight', () => deps.chat.post(record.channelId, renderGracePreflight(event.progress, event.deadlineMs), parentTs));
      break;
    case 'grace.milestone':
      // The status message shows the milestone's state at once, not one edit slot (2 s) after the reply saying it.
      await updateBoard(deps, req, parentTs, true);
      await once('milestone', () =>
        deps.chat.post(record.channelId, renderGraceMilestone(event.progress, event.milestone, event.at, event.detail), parentTs),
      );
      return;
    case 'grace.deadline':
      await once('deadline', () => {
        const value = { requestId: record.requestId, jobId: event.jobId, host: event.host };
        return deps.chat.post(record.channelId, renderGraceDeadlinePrompt(event.progress, value, event.extendMs, event.at), parentTs);
      });
      break;
    case 'grace.progress':
      break;
  }
  await updateBoard(deps, req, parentTs);
}
