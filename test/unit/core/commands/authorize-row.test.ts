import type { Role } from '../../../../src/core/command';
import { authorizeRow, type AccessState, type Actor } from '../../../../src/core/commands/authorize-row';
import { BUTTON_TABLE, buttonRow } from '../../../../src/core/commands/button-table';
import { COMMAND_TABLE, commandRow } from '../../../../src/core/commands/command-table';
import { GRACE_ACTIONS } from '../../../../src/core/grace/grace-actions';
import { APPROVAL_ACTIONS } from '../../../../src/core/rollout/approval-actions';
import { TABLE_ACTIONS } from '../../../../src/core/fan-out/table-actions';

const ROLES: ReadonlyArray<Role | undefined> = ['viewer', 'operator', 'admin', undefined];

/** Who may run each command (before the request it acts on is known): written out, not derived from the table. */
const MAY_RUN: Readonly<Record<string, readonly Role[]>> = {
  help: ['viewer', 'operator', 'admin'],
  hosts: ['viewer', 'operator', 'admin'],
  status: ['viewer', 'operator', 'admin'],
  start: ['operator', 'admin'],
  stop: ['operator', 'admin'],
  restart: ['operator', 'admin'],
  reload: ['operator', 'admin'],
  rotate: ['operator', 'admin'],
  grace: ['operator', 'admin'],
  upgrade: ['operator', 'admin'],
  history: ['viewer', 'operator', 'admin'],
  output: ['viewer', 'operator', 'admin'],
  jobs: ['viewer', 'operator', 'admin'],
  cancel: ['viewer', 'operator', 'admin'],
  abort: ['viewer', 'operator', 'admin'],
};

function actor(role: Role | undefined, userId = 'U0SOMEONE1'): Actor {
  return { userId, role, channelId: 'C0OPS0001' };
}

describe('authorizeRow: every command row x every role', () => {
  it('the expectations cover every row', () => {
    expect(Object.keys(MAY_RUN).sort()).toEqual(COMMAND_TABLE.map((r) => r.name).sort());
  });

  for (const row of COMMAND_TABLE) {
    it.each(ROLES.map((r) => [String(r), r] as const))(`${row.name} / %s`, (_, role) => {
      const verdict = authorizeRow(actor(role), row, { allowedChannels: [] });
      expect(verdict.allowed).toBe(role !== undefined && (MAY_RUN[row.name] ?? []).includes(role));
      if (verdict.allowed) return;
      expect(verdict.text).toBe(verdict.reason);
      if (role === undefined) expect(verdict.reason).toMatch(/not in srs-chatops's user list.*U0SOMEONE1$/);
      else
        expect(verdict.reason).toMatch(new RegExp(`^\`${row.name}\` needs the operator role; you are a viewer, who may run help, hosts`));
    });
  }

  it('a command outside the allowed channels is refused for every role, naming the channels', () => {
    for (const role of ROLES) {
      const verdict = authorizeRow({ ...actor(role), channelId: 'C0ELSE001' }, commandRow('help'), { allowedChannels: ['C0OPS0001'] });
      expect(verdict).toMatchObject({ allowed: false, reason: 'commands are not allowed in this channel; use one of <#C0OPS0001>' });
    }
  });
});

describe('authorizeRow: requester or operator (cancel, abort, grace and abort-now buttons)', () => {
  const rows = [commandRow('cancel'), commandRow('abort'), ...BUTTON_TABLE.filter((r) => r.access.rule === 'requester-or-operator')];
  const state: AccessState = { request: { requestedBy: 'U0ASKER001', subject: 'edge-1' } };

  it('covers the five grace buttons and the two abort-now buttons', () => {
    expect(rows.map((r) => r.name)).toEqual([
      'cancel',
      'abort',
      ...Object.values(GRACE_ACTIONS),
      APPROVAL_ACTIONS.abortNow,
      APPROVAL_ACTIONS.abortKeep,
    ]);
  });

  for (const row of rows) {
    it.each(['viewer', 'operator', 'admin'] as const)(`${row.name}: the requester may, whatever the role (%s)`, (role) => {
      expect(authorizeRow(actor(role, 'U0ASKER001'), row, state)).toEqual({ allowed: true });
    });
    it.each(ROLES.map((r) => [String(r), r] as const))(`${row.name}: someone else as %s`, (_, role) => {
      const verdict = authorizeRow(actor(role), row, state);
      const buttonOrViewer = row.role === undefined || role !== undefined;
      if (role === 'operator' || role === 'admin') expect(verdict).toEqual({ allowed: true });
      else if (buttonOrViewer) {
        expect(verdict).toMatchObject({ allowed: false, reason: 'not the requester nor an operator' });
        expect(verdict.allowed || verdict.text).toMatch(/^Only <@U0ASKER001> \(who asked\) or an operator may /);
      } else expect(verdict.allowed).toBe(false);
    });
  }

  it('says what was refused, as each place did', () => {
    const text = (name: string, subject: string) => {
      const row = buttonRow(name) ?? (name === 'cancel' || name === 'abort' ? commandRow(name) : undefined);
      if (!row) throw new Error(name);
      const v = authorizeRow(actor('viewer'), row, { request: { requestedBy: 'U0ASKER001', subject } });
      return v.allowed ? '' : v.text;
    };
    expect(text(GRACE_ACTIONS.force, 'edge-3')).toBe(
      'Only <@U0ASKER001> (who asked) or an operator may decide for edge-3; nothing was done.',
    );
    expect(text('cancel', 'r-1')).toBe('Only <@U0ASKER001> (who asked) or an operator may cancel r-1.');
    expect(text('abort', 'r-1')).toBe('Only <@U0ASKER001> (who asked) or an operator may abort r-1.');
    expect(text(APPROVAL_ACTIONS.abortNow, 'r-1')).toBe('Only <@U0ASKER001> (who asked) or an operator may abort it; nothing was done.');
  });
});

describe('authorizeRow: approval buttons', () => {
  const approve = buttonRow(APPROVAL_ACTIONS.approve);
  const deny = buttonRow(APPROVAL_ACTIONS.deny);
  const hosts = [
    { name: 'edge-1', groups: ['edges'] },
    { name: 'origin-1', groups: ['origins'] },
  ];
  const approvals = { approvers: { edges: ['U0EDGE0001', 'U0BOTH0001'], origins: ['U0BOTH0001'], all: ['U0ALL00001'] } };
  const state = (approvedBy: string[] = []): AccessState => ({
    approval: { plan: { requestedBy: 'U0ASKER001', hosts, approvedBy }, approvals },
  });

  it.each(ROLES.map((r) => [String(r), r] as const))('no role counts, only the approvers list (%s)', (_, role) => {
    if (!approve || !deny) throw new Error('rows');
    expect(authorizeRow(actor(role, 'U0BOTH0001'), approve, state())).toEqual({ allowed: true });
    expect(authorizeRow(actor(role, 'U0ALL00001'), approve, state())).toEqual({ allowed: true });
    expect(authorizeRow(actor(role, 'U0EDGE0001'), approve, state())).toMatchObject({
      allowed: false,
      reason: 'you are not an approver for origin-1 (approvers are set per group in `approvals.approvers`)',
      text: 'Not counted: you are not an approver for origin-1 (approvers are set per group in `approvals.approvers`). Nothing was done.',
    });
    expect(authorizeRow(actor(role, 'U0ASKER001'), approve, state())).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/four eyes/) as unknown,
    });
    expect(authorizeRow(actor(role, 'U0BOTH0001'), approve, state(['U0BOTH0001']))).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/already approved/) as unknown,
    });
    expect(authorizeRow(actor(role, 'U0ASKER001'), deny, state())).toEqual({ allowed: true });
    expect(authorizeRow(actor(role, 'U0BOTH0001'), deny, state())).toEqual({ allowed: true });
    expect(authorizeRow(actor(role, 'U0EDGE0001'), deny, state())).toEqual({
      allowed: false,
      reason: 'not an approver of every host',
      text: 'Only an approver of every host in the plan (or the requester, to withdraw it) may deny it; nothing was done.',
    });
  });

  it.each(ROLES.map((r) => [String(r), r] as const))(
    'the blast-radius confirmation: the requester only, whatever the role (%s)',
    (_, role) => {
      const confirm = buttonRow(APPROVAL_ACTIONS.confirm);
      const cancel = buttonRow(APPROVAL_ACTIONS.cancel);
      if (!confirm || !cancel) throw new Error('rows');
      const asked = { request: { requestedBy: 'U0ASKER001', subject: 'r-1' } };
      expect(authorizeRow(actor(role, 'U0ASKER001'), confirm, asked)).toEqual({ allowed: true });
      expect(authorizeRow(actor(role, 'U0ASKER001'), cancel, asked)).toEqual({ allowed: true });
      expect(authorizeRow(actor(role, 'U0OTHER001'), confirm, asked)).toEqual({
        allowed: false,
        reason: 'not the requester',
        text: 'Only <@U0ASKER001> (who asked and saw the survey) may confirm this change; nothing was done.',
      });
      expect(authorizeRow(actor(role, 'U0OTHER001'), cancel, asked)).toMatchObject({ allowed: false, reason: 'not the requester' });
      expect(authorizeRow(actor(role, 'U0ASKER001'), confirm, {})).toMatchObject({ allowed: false });
    },
  );

  it.each(ROLES.map((r) => [String(r), r] as const))(
    "a fan-out table's paging: anyone in the channel, whatever the role (%s)",
    (_, role) => {
      for (const id of [TABLE_ACTIONS.prev, TABLE_ACTIONS.next]) {
        const row = buttonRow(id);
        if (!row) throw new Error(`no row ${id}`);
        expect(row.mutatesHost).toBe(false);
        expect(authorizeRow(actor(role), row, {})).toEqual({ allowed: true });
      }
    },
  );

  it('every button row has a rule the tests above cover', () => {
    expect(BUTTON_TABLE.map((r) => r.access.rule).sort()).toEqual(
      [
        'approver',
        'approver-or-requester',
        'requester',
        'requester',
        'role',
        'role',
        ...Array<string>(7).fill('requester-or-operator'),
      ].sort(),
    );
  });
});
