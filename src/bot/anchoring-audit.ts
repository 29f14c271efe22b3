import { mutatesHost } from '../core/commands/command-table';
import { isJobVerb } from '../core/verbs';
import type { AuditEventInput, AuditPort } from '../ports/audit-port';

/**
 * True for records of what changes something: a state-changing verb or an upgrade (requested, denied, run,
 * done), an approval, a rollout step, a button pressed. Their anchor is published soon after them; reads
 * (`status`, `history`) wait for the schedule.
 */
export function changesState(e: AuditEventInput): boolean {
  if (e.verb !== undefined) return isJobVerb(e.verb) && mutatesHost(e.verb);
  return e.type.startsWith('approval.') || e.type.startsWith('rollout.') || e.type === 'button.pressed';
}

/** The audit port, calling `nudge` after each state-changing record it stored (see {@link changesState}). */
export function anchoringAudit(inner: AuditPort, nudge: () => void): AuditPort {
  return {
    append: async (event) => {
      const record = await inner.append(event);
      if (changesState(event)) nudge();
      return record;
    },
    query: (q) => inner.query(q),
  };
}
