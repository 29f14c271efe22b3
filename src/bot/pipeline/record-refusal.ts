import type { AuditEventInput } from '../../ports/audit-port';
import type { BotDeps } from '../bot-deps';
import { recordAudit } from '../record-audit';

/** The audit types of refusals: a command that did not parse or resolve, one not allowed, a button not allowed. */
export type RefusalType = 'request.invalid' | 'request.denied' | 'button.denied' | 'approval.refused';

/** A refusal as the audit log keeps it; `data.reason` says why. */
export type RefusalEvent = AuditEventInput & { type: RefusalType; data: { reason: string } };

/**
 * The one place a refusal is recorded (and logged), for commands and buttons alike. `before` is the request's own
 * record when it is still being appended (`request.received`): the refusal is appended right after it, in the same
 * round trip. Resolves to whether `before` was stored (a state-changing command fails closed on it).
 */
export async function recordRefusal(
  deps: Pick<BotDeps, 'audit' | 'logger'>,
  event: RefusalEvent,
  before: Promise<boolean> = Promise.resolve(true),
): Promise<boolean> {
  deps.logger.info(
    { type: event.type, requestId: event.requestId, user: event.actor, channel: event.channel, reason: event.data.reason },
    'refused',
  );
  const [stored] = await Promise.all([before, recordAudit(deps, event)]);
  return stored;
}
