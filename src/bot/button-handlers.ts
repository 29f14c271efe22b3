import type { GraceButtonValue } from '../core/grace/grace-actions';
import type { ApprovalActionId, GraceActionId, TableActionId } from '../core/commands/button-table';
import type { TableButtonValue } from '../core/fan-out/table-actions';
import type { ApprovalButtonValue } from '../core/rollout/approval-actions';
import { confirmAbortNow } from './abort-rollout';
import type { ButtonHandler } from './button-context';
import { pressApprove, pressDeny } from './handle-approval-action';
import { pressGrace } from './handle-grace-action';
import { pressConfirm } from './handle-confirm-action';
import { pressPage } from './page-fan-out-table';

/** Each graceful-quit button's handler, bound to its row by action id (a missing one is a type error). */
export const GRACE_BUTTONS: { readonly [Id in GraceActionId]: ButtonHandler<GraceButtonValue> } = {
  srs_grace_force: pressGrace,
  srs_grace_extend: pressGrace,
  srs_grace_leave: pressGrace,
  srs_grace_confirm: pressGrace,
  srs_grace_cancel: pressGrace,
};

/** Each approval card's and rollout's button handler, bound to its row by action id. */
export const APPROVAL_BUTTONS: { readonly [Id in ApprovalActionId]: ButtonHandler<ApprovalButtonValue> } = {
  srs_approval_approve: pressApprove,
  srs_approval_deny: pressDeny,
  srs_rollout_abort_now: confirmAbortNow,
  srs_rollout_abort_keep: confirmAbortNow,
  srs_confirm_go: pressConfirm,
  srs_confirm_cancel: pressConfirm,
};

/** A fan-out table's paging buttons' handler. */
export const TABLE_BUTTONS: { readonly [Id in TableActionId]: ButtonHandler<TableButtonValue> } = {
  srs_table_prev: pressPage,
  srs_table_next: pressPage,
};
