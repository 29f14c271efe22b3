import { hasHandler } from '../../../src/bot/command-handlers';
import { COMMAND_TABLE } from '../../../src/core/commands/command-table';

describe('command handlers bound to the command table', () => {
  it.each(COMMAND_TABLE.map((r) => r.name))('command %s has a handler', (name) => {
    expect(hasHandler(name)).toBe(true);
  });

  it('no handler is bound to a command the table does not have', () => {
    expect(hasHandler('restrat')).toBe(false);
  });
});
