import { authorizeRow } from '../../core/commands/authorize-row';
import type { ButtonRow } from '../../core/commands/button-table';
import { roleOf } from '../../core/policy';
import type { ButtonContext, ButtonDeps, ButtonHandler, RefusalRecord } from '../button-context';
import type { ActionInput, ActionReply } from '../button-io';
import { recordRefusal } from './record-refusal';

/** Records a refusal of this press (who, where, the reason) and answers it. */
export function refuser(deps: ButtonDeps, input: ActionInput): ButtonContext<unknown>['refuse'] {
  return async (text: string, reason: string, record: RefusalRecord) => {
    await recordRefusal(deps, { actor: input.userId, channel: input.channelId, ...record, data: { ...record.data, reason } });
    return { ephemeral: { text } };
  };
}

/** Parse → authorize → handle, for one press whose value the row's grammar read (undefined: damaged). */
export function press<V>(
  deps: ButtonDeps,
  input: ActionInput,
  row: ButtonRow,
  value: V | undefined,
  handler: ButtonHandler<V>,
): Promise<ActionReply> {
  const refuse = refuser(deps, input);
  if (value === undefined) {
    const data = { action: input.actionId, value: (input.value ?? '').slice(0, 200) };
    return refuse("This button is not one of srs-chatops's, or it is damaged; nothing was done.", 'damaged button value', {
      type: 'button.denied',
      data,
    });
  }
  const role = roleOf(input.userId, deps.config.slack);
  return handler({
    deps,
    input,
    row,
    value,
    role,
    refuse,
    authorize: async (state, record) => {
      const verdict = authorizeRow({ userId: input.userId, role }, row, state);
      return verdict.allowed ? undefined : refuse(verdict.text, verdict.reason, record);
    },
  });
}

/** A press on a button the bot never posts: recorded, and answered. */
export function unknownButton(deps: ButtonDeps, input: ActionInput): Promise<ActionReply> {
  return refuser(deps, input)('Unknown button; nothing was done.', 'unknown button', {
    type: 'button.denied',
    data: { action: input.actionId },
  });
}
