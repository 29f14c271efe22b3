import { parseCommand, MAX_COMMAND_CHARS } from '../../../src/core/parse-command';
import { splitFlags } from '../../../src/core/parse-flags';
import { SERVICE_VERBS } from '../../../src/core/verbs';

function error(text: string): string {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`expected a usage error for ${JSON.stringify(text)}, got ${JSON.stringify(r.command)}`);
  return r.error;
}

describe('parseCommand: grammar', () => {
  it.each(SERVICE_VERBS.map((v) => [v]))('parses `%s <target>`', (verb) => {
    expect(parseCommand(`${verb} edge-3`)).toEqual({ ok: true, command: { kind: 'verb', verb, target: 'edge-3' } });
  });

  it.each([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['hosts', { kind: 'hosts' }],
    ['hosts edges', { kind: 'hosts', group: 'edges' }],
    ['  Hosts   Prod  ', { kind: 'hosts', group: 'prod' }],
  ])('parses %j', (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ['restart edge-3', 'edge-3'],
    ['restart edges', 'edges'],
    ['restart all', 'all'],
    ['restart ALL', 'all'],
    ['restart edge-1,edge-2', 'edge-1,edge-2'],
    ['restart edge-1, edge-2', 'edge-1,edge-2'],
    ['restart edge-1 ,  edge-2,edges', 'edge-1,edge-2,edges'],
    ['  RESTART   Edge-1.Example_Net  ', 'edge-1.example_net'],
    ['restart\u00a0edge-3', 'edge-3'],
    ['restart all,edge-1', 'all,edge-1'],
  ])('target forms, case and spaces: %j', (text, target) => {
    expect(parseCommand(text)).toEqual({ ok: true, command: { kind: 'verb', verb: 'restart', target } });
  });

  it('unknown verb: says so, suggests the nearest verb, shows the usage', () => {
    expect(error('restrat edge-3')).toBe(
      'unknown verb `restrat` (did you mean `restart`?). Usage: /srs &lt;help|hosts|status|start|stop|restart|reload|rotate|grace|upgrade|history|output|jobs|cancel|abort&gt; …; verbs take &lt;host|group|host,host|all&gt;; `/srs help` explains each',
    );
    expect(error('stauts edge-3')).toContain('did you mean `status`?');
    expect(error('hots')).toContain('did you mean `hosts`?');
    expect(error('helo')).toContain('did you mean `help`?');
    expect(error('frobnicate edge-3')).toMatch(/^unknown verb `frobnicate`\. Usage: /);
  });

  it('verb after the target: says to put it first', () => {
    expect(error('edge-3 restart')).toContain('put the verb first: `/srs restart edge-3`');
  });

  it('missing, extra and malformed targets', () => {
    expect(error('restart')).toBe(
      '`restart` needs a target. Usage: /srs restart &lt;host|group|host,host|all&gt; [--graceful [--deadline 5m]] [--batch N|--parallel] [--budget N] [--dry-run]',
    );
    expect(error('stop edge-1 edge-2')).toContain('separate several hosts with commas');
    expect(error('stop edge-1,,edge-2')).toContain('empty name in the target list');
    expect(error('stop edge-1,')).toContain('empty name in the target list');
    expect(error('stop ,edge-1')).toContain('empty name in the target list');
    expect(error('stop -edge')).toContain('unknown flag `-edge`');
    expect(error('stop edge/1')).toContain('`edge/1` is not a host or group name');
    expect(error(`stop ${'a'.repeat(64)}`)).toContain('is not a host or group name');
    expect(parseCommand(`stop ${'a'.repeat(63)}`).ok).toBe(true);
  });

  it('hosts and help take what they take', () => {
    expect(error('hosts a b')).toContain('`hosts` takes at most one group name. Usage: /srs hosts [group]');
    expect(error('hosts Edge$')).toMatch(/^`\$` is not allowed/);
    expect(error('hosts Edge%')).toContain('is not a group name');
    expect(error('help restart')).toContain('`help` takes nothing after it');
  });

  it('rollout flags: --batch, --parallel, --budget, --dry-run on state-changing verbs; --dry-run on upgrades', () => {
    expect(parseCommand('restart edges --graceful --batch 2 --budget 1')).toEqual({
      ok: true,
      command: { kind: 'verb', verb: 'restart', target: 'edges', options: { graceful: true }, rollout: { batchSize: 2, failureBudget: 1 } },
    });
    expect(parseCommand('stop all --parallel --dry-run')).toEqual({
      ok: true,
      command: { kind: 'verb', verb: 'stop', target: 'all', rollout: { parallel: true, dryRun: true } },
    });
    expect(parseCommand('upgrade edges 6.0.184 --dry-run')).toEqual({
      ok: true,
      command: { kind: 'upgrade', target: 'edges', version: '6.0.184', options: { dryRun: true } },
    });
    expect(error('restart edges --batch 2 --parallel')).toMatch(/^give `--batch N` or `--parallel`, not both/);
    expect(error('restart edges --batch 0')).toMatch(/^`--batch` takes a whole number from 1 to 1000, not `0`/);
    expect(error('grace edges --budget x')).toMatch(/^`--budget` takes a whole number from 0 to 100/);
    expect(error('status edges --batch 2')).toMatch(/^unknown flag `--batch`/);
  });

  it('flags: an unknown flag is an error naming it, wherever it is', () => {
    expect(error('stop edge-3 --graceful')).toBe(
      'unknown flag `--graceful`. Usage: /srs stop &lt;host|group|host,host|all&gt; [--batch N|--parallel] [--budget N] [--dry-run]',
    );
    expect(error('status edge-3 --dry-run')).toMatch(/^unknown flag `--dry-run`/);
    expect(error('status --deadline 5m edge-3')).toMatch(/^unknown flag `--deadline`/);
    expect(error('reload edge-3 --deadline=5m')).toMatch(/^unknown flag `--deadline=5m`/);
    expect(error('hosts --all')).toMatch(/^unknown flag `--all`/);
    expect(error('--graceful restart edge-3')).toMatch(/^unknown flag `--graceful`/);
    expect(error('restart edge-3 --force')).toMatch(/^unknown flag `--force`/);
    expect(error('restart edge-3 \u2014graceful')).toContain('turned `--` into a dash');
    expect(error('restart edge-3 --__proto__')).toMatch(/^unknown flag `--__proto__`/);
    expect(error('restart edge-3 --constructor')).toMatch(/^unknown flag `--constructor`/);
  });

  it('input longer than the limit is refused without being echoed', () => {
    const e = error(`status ${'q'.repeat(MAX_COMMAND_CHARS)}`);
    expect(e).toContain('too long');
    expect(e).not.toContain('qqq');
  });
});

describe('splitFlags (room for flags)', () => {
  const specs = { graceful: { takesValue: false }, deadline: { takesValue: true } };

  it('separates known flags, with values in both forms', () => {
    const r = splitFlags(['edge-3', '--graceful', '--deadline', '5m'], specs);
    expect(r.ok && [...r.flags]).toEqual([
      ['graceful', true],
      ['deadline', '5m'],
    ]);
    expect(r.ok && r.positional).toEqual(['edge-3']);
    const s = splitFlags(['--deadline=10s', 'all'], specs);
    expect(s.ok && s.flags.get('deadline')).toBe('10s');
  });

  it('refuses missing values, values for plain flags, repeats and unknown names', () => {
    expect(splitFlags(['--deadline'], specs)).toEqual({ ok: false, error: 'flag `--deadline` needs a value' });
    expect(splitFlags(['--deadline', '--graceful'], specs)).toEqual({ ok: false, error: 'flag `--deadline` needs a value' });
    expect(splitFlags(['--graceful=yes'], specs)).toEqual({ ok: false, error: 'flag `--graceful` takes no value' });
    expect(splitFlags(['--graceful', '--graceful'], specs)).toEqual({ ok: false, error: 'flag `--graceful` is given twice' });
    expect(splitFlags(['--toString'], specs)).toEqual({ ok: false, error: 'unknown flag `--toString`' });
  });
});
