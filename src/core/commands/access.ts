import type { Role } from '../command';

/** Roles, weakest first. */
export const ROLES_WEAKEST_FIRST: readonly Role[] = ['viewer', 'operator', 'admin'];

/**
 * Who may use a command or a button, besides the role the row names:
 * - `role`: anyone with the row's role or a stronger one;
 * - `requester-or-operator`: the person who asked for the request it acts on, or an operator (or admin);
 *   `may` completes the refusal "Only <@U> (who asked) or an operator may …" for a subject (a host, an id);
 * - `approver`: an approver of every host of the plan, not its requester, once (four eyes);
 * - `approver-or-requester`: an approver of every host, or the requester (to withdraw the plan);
 * - `requester`: the person who asked, and nobody else (the blast-radius confirmation: they saw the survey).
 */
export type Access =
  | { rule: 'role' }
  | { rule: 'requester-or-operator'; may: (subject: string) => string }
  | { rule: 'approver' }
  | { rule: 'approver-or-requester' }
  | { rule: 'requester'; may: string };

/** What authorization reads of a command or button row. */
export interface AccessRow {
  /** The command's first word or the button's action id (named in refusals). */
  readonly name: string;
  /** The weakest role that may use it; undefined for buttons, which need no role (an approver may have none). */
  readonly role?: Role;
  readonly access: Access;
}

/** When a command needs another person's approval before it runs. */
export type ApprovalRule = 'never' | 'when-gated' | 'always';
