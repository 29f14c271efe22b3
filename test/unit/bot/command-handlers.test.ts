import { hasHandler } from '../../../src/bot/command-handlers';
import { APPROVAL_BUTTONS, GRACE_BUTTONS } from '../../../src/bot/button-handlers';
import { BUTTON_TABLE } from '../../../src/core/commands/button-table';
import { COMMAND_TABLE } from '../../../src/core/commands/command-table';

describe('handlers bound to the tables', () => {
  it.each(COMMAND_TABLE.map((r) => r.name))('command %s has a handler', (name) => {
    expect(hasHandler(name)).toBe(true);
  });

  it('no handler is bound to a command the table does not have', () => {
    expect(hasHandler('restrat')).toBe(false);
  });

  it.each(BUTTON_TABLE.map((r) => [r.name, r.family] as const))('button %s (%s) has a handler', (name, family) => {
    const bound: Readonly<Record<string, unknown>> = family === 'grace' ? GRACE_BUTTONS : APPROVAL_BUTTONS;
    expect(typeof bound[name]).toBe('function');
  });

  it('binds exactly the buttons of the table', () => {
    expect([...Object.keys(GRACE_BUTTONS), ...Object.keys(APPROVAL_BUTTONS)].sort()).toEqual(BUTTON_TABLE.map((r) => r.name).sort());
  });
});
