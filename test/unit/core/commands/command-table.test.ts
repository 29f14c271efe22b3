import { COMMAND_NAMES } from '../../../../src/core/command-names';
import { COMMAND_TABLE, commandRow, isCommandName, mutatesHost } from '../../../../src/core/commands/command-table';
import { commandsOf, minimumRole } from '../../../../src/core/commands/roles';
import { needsApproval } from '../../../../src/core/approval-policy';
import { parseCommand } from '../../../../src/core/parse-command';
import { SERVICE_VERBS } from '../../../../src/core/verbs';
import { renderHelp } from '../../../../src/presentation/help';

const ROLES = ['viewer', 'operator', 'admin'] as const;

/** A command line each row's grammar accepts. */
const EXAMPLES: Readonly<Record<string, string>> = {
  help: 'help',
  hosts: 'hosts edges',
  upgrade: 'upgrade edges 6.0.184',
  history: 'history edge-1 --limit 5',
  output: 'output r-mx51t6mp-b199cb-edge-1',
  jobs: 'jobs',
  cancel: 'cancel r-mx51t6mp-b199cb',
  abort: 'abort r-mx51t6mp-b199cb --now',
  ...Object.fromEntries(SERVICE_VERBS.map((v) => [v, `${v} edge-1`])),
};

describe('the command table', () => {
  it('has one row per command name, in the order help lists them', () => {
    expect(COMMAND_TABLE.map((r) => r.name)).toEqual(COMMAND_NAMES);
    expect(COMMAND_NAMES).toEqual(['help', 'hosts', ...SERVICE_VERBS, 'upgrade', 'history', 'output', 'jobs', 'cancel', 'abort']);
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
  });

  it.each(COMMAND_TABLE.map((r) => [r.name, r] as const))('%s has a help line, a role, an approval rule and a grammar', (name, row) => {
    expect(row.help).toMatch(new RegExp(`^• \`/srs ${name}[ \`]`));
    expect(ROLES).toContain(row.role);
    expect(['never', 'when-gated', 'always']).toContain(row.approval);
    expect(isCommandName(name)).toBe(true);
    const example = EXAMPLES[name] ?? '';
    expect(row.parse(example.split(' ').slice(1))).toMatchObject({ ok: true });
    expect(parseCommand(example)).toEqual(row.parse(example.split(' ').slice(1)));
  });

  it('knows which commands change a host, and which change anything', () => {
    const hostChanging = COMMAND_TABLE.filter((r) => r.mutatesHost).map((r) => r.name);
    expect(hostChanging).toEqual(['start', 'stop', 'restart', 'reload', 'rotate', 'grace', 'upgrade']);
    const stateChanging = COMMAND_TABLE.filter((r) => r.changesState).map((r) => r.name);
    expect(stateChanging).toEqual([...hostChanging, 'cancel', 'abort']);
    expect(mutatesHost('status')).toBe(false);
    expect(mutatesHost('upgrade')).toBe(true);
    for (const v of SERVICE_VERBS) expect(mutatesHost(v)).toBe(v !== 'status');
  });

  it('resolves targets for the verbs and upgrade only; upgrade always needs an approval, verbs when gated', () => {
    expect(COMMAND_TABLE.filter((r) => r.resolvesTargets).map((r) => r.name)).toEqual([...SERVICE_VERBS, 'upgrade']);
    expect(commandRow('upgrade').approval).toBe('always');
    for (const v of SERVICE_VERBS) expect(commandRow(v).approval).toBe('when-gated');
    expect(needsApproval('upgrade', [], { gated: [] })).toBe(true);
    expect(needsApproval('stop', [{ name: 'e', groups: ['edges'] }], { gated: [{ verb: 'stop', groups: ['edges'] }] })).toBe(true);
    expect(needsApproval('stop', [{ name: 'e', groups: ['origins'] }], { gated: [{ verb: 'stop', groups: ['edges'] }] })).toBe(false);
  });

  it('gives each role the commands whose row asks for that role or a weaker one', () => {
    expect(commandsOf('viewer')).toEqual(['help', 'hosts', 'status', 'history', 'output', 'jobs', 'cancel', 'abort']);
    expect(commandsOf('operator')).toEqual(COMMAND_NAMES);
    expect(commandsOf('admin')).toEqual(COMMAND_NAMES);
    for (const r of COMMAND_TABLE) expect(minimumRole(r.name)).toBe(r.role);
  });

  it.each(ROLES)('help for a %s is the help lines of its rows, in table order', (role) => {
    const text = renderHelp(role).text;
    const lines = text.split('\n').filter((l) => l.startsWith('• '));
    expect(lines).toEqual(COMMAND_TABLE.filter((r) => commandsOf(role).includes(r.name)).map((r) => r.help));
  });

  it('unknown words are not commands (no prototype keys either)', () => {
    for (const w of ['restrat', '__proto__', 'constructor', 'toString', '']) expect(isCommandName(w)).toBe(false);
  });
});
