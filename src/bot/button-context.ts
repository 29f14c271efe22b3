import type { Role } from '../core/command';
import type { AccessState } from '../core/commands/authorize-row';
import type { ButtonRow } from '../core/commands/button-table';
import type { GraceControlPort } from '../ports/grace-control-port';
import type { BotDeps } from './bot-deps';
import type { ActionInput, ActionReply } from './button-io';
import type { RefusalEvent } from './pipeline/record-refusal';

/** What button handlers depend on: the bot's ports and the channel to a worker following a drain. */
export type ButtonDeps = BotDeps & { control: GraceControlPort };

/** A refusal's audit record, as a handler describes it: the pipeline adds who, where and the reason. */
export type RefusalRecord = Omit<RefusalEvent, 'actor' | 'channel' | 'data'> & { data: Record<string, unknown> };

/** What the pipeline hands a button's handler: the press, its row, its parsed value, and the pipeline's gates. */
export interface ButtonContext<V> {
  deps: ButtonDeps;
  input: ActionInput;
  row: ButtonRow;
  value: V;
  /** The presser's role (undefined: not in the user list, which an approver need not be). */
  role: Role | undefined;
  /**
   * Judges the row for this press once the handler has loaded what it acts on (the request, the plan). A refusal
   * is recorded by the pipeline (`record`, with the reason) and its reply returned; undefined: allowed.
   */
  authorize: (state: AccessState, record: RefusalRecord) => Promise<ActionReply | undefined>;
  /** Refuses the press for another reason (the drain ended, the record is unknown): recorded, then answered. */
  refuse: (text: string, reason: string, record: RefusalRecord) => Promise<ActionReply>;
}

/** A button's handler: what the table's row does once the pipeline let the press through. */
export type ButtonHandler<V> = (ctx: ButtonContext<V>) => Promise<ActionReply>;
