import { COMMAND_NAMES } from '../../../src/core/command-names';
import type { Command } from '../../../src/core/command';
import { parseCommand } from '../../../src/core/parse-command';
import { authorize, commandsOf, mayRun } from '../../../src/core/policy';
import { renderHelp } from '../../../src/presentation/help';
import type { SlackConfig } from '../../../config/schema';

function error(text: string): string {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`${text} parsed`);
  return r.error;
}

describe('shell metacharacters are refused up front, naming the character', () => {
  it.each([
    ['restart edge-1; rm -rf /x', '`;`'],
    ['restart edge-1;rm', '`;`'],
    ['status edge-1|sh', '`|`'],
    ['status edge-1&&reboot', '`&amp;`'],
    ['restart $(reboot)', '`$`'],
    ['status (edge-1)', '`(`'],
    ['status edge-1)', '`)`'],
    ['status >/etc/passwd', '`&gt;`'],
    ['status &lt;!channel&gt;', '`&lt;`'],
    ['status edge\\1', '`\\`'],
    ['restart `reboot`', 'a backtick'],
    ['upgrade edges 6.0.1;reboot', '`;`'],
  ])('%j: %s is not allowed', (text, named) => {
    const e = error(text);
    expect(e.startsWith(`${named} is not allowed: a command is never shell text`)).toBe(true);
    expect(e).not.toContain('unknown flag');
  });

  it('a line break is still named as one', () => {
    expect(error('restart edge-1\nrm -rf /')).toMatch(/^the command contains a line break/);
  });
});

describe('the usage after an unknown command lists every command help knows', () => {
  it('names all of them, in help order', () => {
    const e = error('frobnicate edge-3');
    expect(e).toContain(`Usage: /srs &lt;${COMMAND_NAMES.join('|')}&gt;`);
    for (const name of [
      'help',
      'hosts',
      'status',
      'start',
      'stop',
      'restart',
      'reload',
      'rotate',
      'grace',
      'upgrade',
      'history',
      'output',
      'jobs',
      'cancel',
      'abort',
    ]) {
      expect(e).toMatch(new RegExp(`[|;]${name}[|&]`));
    }
    expect(e).toContain('&lt;host|group|host,host|all&gt;');
  });

  it('hints come from the same list', () => {
    expect(error('histroy')).toContain('did you mean `history`?');
    expect(error('cancle r-1')).toContain('did you mean `cancel`?');
  });
});

describe('a viewer is told everything a viewer may run', () => {
  const slack = { allowedChannels: [], roles: { admin: [], operator: [], viewer: ['UVIEW'] } } as unknown as SlackConfig;
  const restart: Command = { kind: 'verb', verb: 'restart', target: 'edge-1' };

  it("the refusal lists the role's commands and the lookups every role has", () => {
    const d = authorize({ userId: 'UVIEW', channelId: 'C1' }, restart, slack);
    expect(d).toEqual({
      allowed: false,
      reason: '`restart` needs the operator role; you are a viewer, who may run help, hosts, status, history, output, jobs, cancel, abort',
    });
  });

  it('help, the refusal and the checks agree', () => {
    const viewer = commandsOf('viewer');
    expect(viewer).toEqual(COMMAND_NAMES.filter((n) => mayRun('viewer', n)));
    const help = renderHelp('viewer').text;
    for (const name of viewer) expect(help).toContain(`/srs ${name}`);
    expect(help).toContain('start, stop, restart, reload, rotate, grace, upgrade need the operator role');
  });
});
