import { GRACE_ACTIONS, parseGraceButtonValue } from '../grace/grace-actions';
import { APPROVAL_ACTIONS, parseApprovalButtonValue } from '../rollout/approval-actions';
import { parseTableButtonValue, TABLE_ACTIONS } from '../fan-out/table-actions';
import type { Access, AccessRow } from './access';

/** The action id of a graceful-quit button. */
export type GraceActionId = (typeof GRACE_ACTIONS)[keyof typeof GRACE_ACTIONS];

/** The action id of an approval card's or a rollout's button. */
export type ApprovalActionId = (typeof APPROVAL_ACTIONS)[keyof typeof APPROVAL_ACTIONS];

/** The action id of a fan-out table's paging button. */
export type TableActionId = (typeof TABLE_ACTIONS)[keyof typeof TABLE_ACTIONS];

interface ButtonCommon extends AccessRow {
  /** What pressing it does (docs, tests). */
  readonly help: string;
  readonly access: Access;
  /** True when a press can change a host (a force quit, a confirmed quit, the approval that starts a run). */
  readonly mutatesHost: boolean;
}

/**
 * One button the bot posts: its action id, its value's grammar, who may press it. The handler is bound in the bot
 * (`bot/button-handlers.ts`); the family says which value a press carries and which record it acts on.
 */
export type ButtonRow =
  | (ButtonCommon & { readonly name: GraceActionId; readonly family: 'grace'; readonly parse: typeof parseGraceButtonValue })
  | (ButtonCommon & {
      readonly name: ApprovalActionId;
      readonly family: 'approval' | 'rollout';
      readonly parse: typeof parseApprovalButtonValue;
    })
  | (ButtonCommon & { readonly name: TableActionId; readonly family: 'table'; readonly parse: typeof parseTableButtonValue });

const REQUESTER_DECIDES: Access = { rule: 'requester-or-operator', may: (host) => `decide for ${host}; nothing was done` };
const REQUESTER_ABORTS: Access = { rule: 'requester-or-operator', may: () => 'abort it; nothing was done' };

/** Paging reads what the channel already saw: anyone in it may page. */
const ANYONE: Access = { rule: 'role' };

function page(name: TableActionId, help: string): ButtonRow {
  return { name, help, access: ANYONE, mutatesHost: false, family: 'table', parse: parseTableButtonValue };
}

function grace(name: GraceActionId, help: string, mutatesHost: boolean): ButtonRow {
  return { name, help, access: REQUESTER_DECIDES, mutatesHost, family: 'grace', parse: parseGraceButtonValue };
}

/** Every button, by action id. */
export const BUTTON_TABLE: readonly ButtonRow[] = [
  grace(GRACE_ACTIONS.force, 'force quit a drain past its deadline', true),
  grace(GRACE_ACTIONS.extend, "extend a drain's deadline", false),
  grace(GRACE_ACTIONS.leave, 'leave a drain running, no longer watched', false),
  grace(GRACE_ACTIONS.confirm, 'quit SRS 5.0 without a drain (clients dropped)', true),
  grace(GRACE_ACTIONS.cancel, 'do not quit SRS 5.0 after all', false),
  {
    name: APPROVAL_ACTIONS.approve,
    help: 'approve a plan (the last approval needed starts it)',
    access: { rule: 'approver' },
    mutatesHost: true,
    family: 'approval',
    parse: parseApprovalButtonValue,
  },
  {
    name: APPROVAL_ACTIONS.deny,
    help: 'deny a plan, or withdraw one of yours, with a reason',
    access: { rule: 'approver-or-requester' },
    mutatesHost: false,
    family: 'approval',
    parse: parseApprovalButtonValue,
  },
  {
    name: APPROVAL_ACTIONS.abortNow,
    help: 'abort a rollout now: hosts in progress stop at their next step',
    access: REQUESTER_ABORTS,
    mutatesHost: false,
    family: 'rollout',
    parse: parseApprovalButtonValue,
  },
  {
    name: APPROVAL_ACTIONS.abortKeep,
    help: 'keep a rollout going (answers the abort-now question)',
    access: REQUESTER_ABORTS,
    mutatesHost: false,
    family: 'rollout',
    parse: parseApprovalButtonValue,
  },
  {
    name: APPROVAL_ACTIONS.confirm,
    help: 'confirm a wide change after seeing its survey (the requester only); it starts rolling',
    access: { rule: 'requester', may: 'confirm this change' },
    mutatesHost: true,
    family: 'approval',
    parse: parseApprovalButtonValue,
  },
  {
    name: APPROVAL_ACTIONS.cancel,
    help: 'cancel a wide change before it starts (the requester only)',
    access: { rule: 'requester', may: 'cancel this change' },
    mutatesHost: false,
    family: 'approval',
    parse: parseApprovalButtonValue,
  },
  page(TABLE_ACTIONS.prev, "show the previous page of a fan-out's table of results (anyone in the channel)"),
  page(TABLE_ACTIONS.next, "show the next page of a fan-out's table of results (anyone in the channel)"),
];

const BY_ACTION_ID: ReadonlyMap<string, ButtonRow> = new Map(BUTTON_TABLE.map((r) => [r.name, r]));

/** The row of a button by its action id; undefined for an id the bot never posts. */
export function buttonRow(actionId: string): ButtonRow | undefined {
  return BY_ACTION_ID.get(actionId);
}
