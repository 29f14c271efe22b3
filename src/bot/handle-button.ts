import { buttonRow } from '../core/commands/button-table';
import type { ButtonDeps } from './button-context';
import { APPROVAL_BUTTONS, GRACE_BUTTONS, TABLE_BUTTONS } from './button-handlers';
import type { ActionInput, ActionReply } from './button-io';
import { press, unknownButton } from './pipeline/press-button';

export type { ActionInput, ActionReply } from './button-io';

/**
 * The pipeline of every button press: the row comes from the button table by action id, its grammar reads the value,
 * the handler bound to the row loads what the press acts on and asks the pipeline to authorize it; every refusal is
 * recorded here.
 */
export function handleButton(deps: ButtonDeps, input: ActionInput): Promise<ActionReply> {
  const row = buttonRow(input.actionId);
  if (row === undefined) return unknownButton(deps, input);
  if (row.family === 'grace') return press(deps, input, row, row.parse(input.value), GRACE_BUTTONS[row.name]);
  if (row.family === 'table') return press(deps, input, row, row.parse(input.value), TABLE_BUTTONS[row.name]);
  return press(deps, input, row, row.parse(input.value), APPROVAL_BUTTONS[row.name]);
}
