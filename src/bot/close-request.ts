import type { Plan } from '../core/rollout/plan';
import { renderParentOf } from '../presentation/request-parent';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import { recordAudit } from './record-audit';

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
  state: 'closed' | 'dry-run' = 'closed',
): Promise<void> {
  await deps.chat.update(record.channelId, parentTs, renderParentOf(record, { state, note }));
  await markRequestDone(deps, record, parentTs, { summary: note, ...data });
}

/** Marks the request finished and records `request.done` (once, whichever bot replica or retry gets here first). */
export async function markRequestDone(
  deps: BotDeps,
  record: Pick<RequestRecord, 'requestId' | 'userId' | 'channelId' | 'verb'>,
  parentTs: string,
  data: Record<string, unknown>,
): Promise<void> {
  if (!(await deps.requests.markDone(record.requestId))) return;
  await recordAudit(deps, {
    type: 'request.done',
    actor: record.userId,
    channel: record.channelId,
    requestId: record.requestId,
    correlationId: record.requestId,
    verb: record.verb,
    data: { threadTs: parentTs, ...data },
  });
}
