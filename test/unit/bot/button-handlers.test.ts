import { APPROVAL_BUTTONS, GRACE_BUTTONS, TABLE_BUTTONS } from '../../../src/bot/button-handlers';
import { BUTTON_TABLE } from '../../../src/core/commands/button-table';

describe('button handlers bound to the button table', () => {
  it.each(BUTTON_TABLE.map((r) => [r.name, r.family] as const))('button %s (%s) has a handler', (name, family) => {
    const bound: Readonly<Record<string, unknown>> =
      family === 'grace' ? GRACE_BUTTONS : family === 'table' ? TABLE_BUTTONS : APPROVAL_BUTTONS;
    expect(typeof bound[name]).toBe('function');
  });

  it('binds exactly the buttons of the table', () => {
    expect([...Object.keys(GRACE_BUTTONS), ...Object.keys(APPROVAL_BUTTONS), ...Object.keys(TABLE_BUTTONS)].sort()).toEqual(
      BUTTON_TABLE.map((r) => r.name).sort(),
    );
  });
});
