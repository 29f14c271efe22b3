import type { SlackConfig } from '../../../config/schema';
import type { Command, Role } from '../../../src/core/command';
import { allowedCommands, authorize, commandName, roleOf } from '../../../src/core/policy';
import { SERVICE_VERBS } from '../../../src/core/verbs';

const SLACK: SlackConfig = {
  allowedChannels: [],
  roles: { admin: ['UADMIN'], operator: ['UOPS', 'UBOTH'], viewer: ['UVIEW', 'UBOTH', 'UADMIN'] },
};
const ROOM = 'C0OPS';

const COMMANDS: Command[] = [
  { kind: 'help' },
  { kind: 'hosts' },
  { kind: 'hosts', group: 'edges' },
  ...SERVICE_VERBS.map((verb): Command => ({ kind: 'verb', verb, target: 'all' })),
];

describe('roleOf', () => {
  it('finds the role, the highest when listed twice', () => {
    expect(roleOf('UADMIN', SLACK)).toBe('admin');
    expect(roleOf('UOPS', SLACK)).toBe('operator');
    expect(roleOf('UBOTH', SLACK)).toBe('operator');
    expect(roleOf('UVIEW', SLACK)).toBe('viewer');
    expect(roleOf('UNOBODY', SLACK)).toBeUndefined();
    expect(roleOf('uadmin', SLACK)).toBeUndefined();
    expect(roleOf('', SLACK)).toBeUndefined();
  });
});

describe('authorize: role x command matrix', () => {
  const expected: Record<Role, (c: Command) => boolean> = {
    viewer: (c) => c.kind !== 'verb' || c.verb === 'status',
    operator: () => true,
    admin: () => true,
  };
  const users: Record<Role, string> = { viewer: 'UVIEW', operator: 'UOPS', admin: 'UADMIN' };

  for (const role of ['viewer', 'operator', 'admin'] as const) {
    it.each(COMMANDS.map((c) => [commandName(c), c] as const))(`${role} / %s`, (_, command) => {
      const d = authorize({ userId: users[role], channelId: ROOM }, command, SLACK);
      if (expected[role](command)) {
        expect(d).toEqual({ allowed: true, role });
      } else {
        expect(d.allowed).toBe(false);
        expect(!d.allowed && d.reason).toBe(
          `\`${commandName(command)}\` needs the operator role; you are a viewer, who may run help, hosts, status, history, output, jobs, cancel, abort`,
        );
      }
    });
  }

  it('unknown users are denied everything, even help, and told their id', () => {
    for (const command of COMMANDS) {
      expect(authorize({ userId: 'U999', channelId: ROOM }, command, SLACK)).toEqual({
        allowed: false,
        reason: "you are not in srs-chatops's user list; ask an admin to add your Slack user id U999",
      });
    }
    const odd = authorize({ userId: '<!channel>', channelId: ROOM }, { kind: 'help' }, SLACK);
    expect(!odd.allowed && odd.reason).toContain('`&lt;!\u200bchannel&gt;`');
  });
});

describe('authorize: channels', () => {
  const locked: SlackConfig = { ...SLACK, allowedChannels: ['C0OPS', 'G0PRIV'] };

  it('only the allowed channels, when there is a list; for everyone', () => {
    expect(authorize({ userId: 'UADMIN', channelId: 'C0OPS' }, { kind: 'help' }, locked).allowed).toBe(true);
    expect(authorize({ userId: 'UADMIN', channelId: 'G0PRIV' }, { kind: 'verb', verb: 'stop', target: 'all' }, locked).allowed).toBe(true);
    for (const userId of ['UADMIN', 'UVIEW', 'U999']) {
      expect(authorize({ userId, channelId: 'C0RANDOM' }, { kind: 'help' }, locked)).toEqual({
        allowed: false,
        reason: 'commands are not allowed in this channel; use one of <#C0OPS>, <#G0PRIV>',
      });
    }
  });

  it('an empty list allows any channel, DMs included', () => {
    expect(authorize({ userId: 'UOPS', channelId: 'D0DM' }, { kind: 'verb', verb: 'restart', target: 'edge-1' }, SLACK).allowed).toBe(true);
  });
});

describe('allowedCommands', () => {
  it('grows with the role', () => {
    expect(allowedCommands('viewer')).toEqual(['help', 'hosts', 'status']);
    expect(allowedCommands('operator')).toEqual(['help', 'hosts', ...SERVICE_VERBS, 'upgrade']);
    expect(allowedCommands('admin')).toEqual(expect.arrayContaining([...allowedCommands('operator')]));
  });
});
