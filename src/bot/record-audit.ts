import type { AuditEventInput } from '../ports/audit-port';
import type { BotDeps } from './bot-deps';

/** Appends an audit record; true when it was stored. Failures are logged, never thrown: callers decide (fail closed). */
export async function recordAudit(deps: Pick<BotDeps, 'audit' | 'logger'>, event: AuditEventInput): Promise<boolean> {
  try {
    await deps.audit.append(event);
    return true;
  } catch (err) {
    deps.logger.error(
      { type: event.type, requestId: event.requestId, err: err instanceof Error ? err.message : String(err) },
      'audit record not written',
    );
    return false;
  }
}

/** The message for a state-changing command refused because the audit log cannot be written. */
export const AUDIT_DOWN_TEXT =
  ':no_entry: The audit log cannot be written right now (Redis refuses writes or is unreachable), so no state-changing command runs: ' +
  'every action must be on record. `/srs status` still works. Ask an admin to check Redis.';
