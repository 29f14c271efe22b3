import { parseAuditArgs } from '../../../../src/cli/audit/parse-audit-args';
import { parseBotArgs } from '../../../../src/cli/args/bot-args';
import { consoleArgv, parseConsoleArgs } from '../../../../src/cli/args/console-args';
import { parseDoctorArgs } from '../../../../src/cli/args/doctor-args';
import { COMMAND_USAGE, parseMainArgs } from '../../../../src/cli/args/main-args';
import { packageVersion } from '../../../../src/cli/args/package-version';
import { parseCommandArgs } from '../../../../src/cli/args/parse-command-args';
import { parseWorkerArgs } from '../../../../src/cli/args/worker-args';
import pkg from '../../../../package.json';

const NOW = Date.parse('2024-05-08T00:00:00Z');

describe('the shared parseArgs helper', () => {
  const options = { name: { type: 'string' }, on: { type: 'boolean', short: 'o' } } as const;

  it.each([
    [['--bogus'], "unknown option '--bogus'", 'unknown option', '--bogus'],
    [['-x'], "unknown option '-x'", 'unknown option', '-x'],
    [['-ox'], "unknown option '-x'", 'unknown option', '-x'],
    [['extra'], "unexpected argument 'extra'", 'unexpected argument', 'extra'],
    [['--', '--name'], "unexpected argument '--name'", 'unexpected argument', '--name'],
    [['--name'], '--name needs a value', 'needs a value', '--name'],
    [['--name', '--on'], '--name needs a value', 'needs a value', '--name'],
    [['--on=yes'], '--on takes no value', 'takes no value', '--on'],
    [['--on', 'x', '--bogus'], "unexpected argument 'x'", 'unexpected argument', 'x'],
  ])('%j: %s', (args, message, problem, arg) => {
    let thrown: unknown;
    try {
      parseCommandArgs(args, options);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ name: 'UsageError', message, problem, arg });
  });

  it('accepts what strict parseArgs accepts: --name=value, a value starting with a dash after =, grouped short flags', () => {
    expect(parseCommandArgs(['--name=-x', '-o'], options).values).toEqual({ name: '-x', on: true });
    expect(parseCommandArgs(['a', 'b'], options, true).positionals).toEqual(['a', 'b']);
  });
});

describe('subcommand options', () => {
  it('worker and bot take --help only', () => {
    expect(parseWorkerArgs([])).toEqual({ help: false });
    expect(parseWorkerArgs(['-h'])).toEqual({ help: true });
    expect(parseBotArgs(['--help'])).toEqual({ help: true });
    expect(() => parseWorkerArgs(['--config', 'x.yml'])).toThrow("unknown option '--config'");
    expect(() => parseBotArgs(['now'])).toThrow("unexpected argument 'now'");
  });

  it('doctor: --trust-new', () => {
    expect(parseDoctorArgs([])).toEqual({ help: false, trustNew: false });
    expect(parseDoctorArgs(['--trust-new'])).toEqual({ help: false, trustNew: true });
    expect(() => parseDoctorArgs(['--bogus'])).toThrow("unknown option '--bogus'");
    expect(() => parseDoctorArgs(['--trust-new=yes'])).toThrow('--trust-new takes no value');
  });

  it('console: --user, --channel, handed to runConsole in the one form it reads', () => {
    const args = parseConsoleArgs(['--user=U0ALICE', '--channel', 'C0OPS']);
    expect(args).toEqual({ help: false, user: 'U0ALICE', channel: 'C0OPS' });
    if (args.help) throw new Error('not help');
    expect(consoleArgv(args)).toEqual(['--user', 'U0ALICE', '--channel', 'C0OPS']);
    expect(consoleArgv({})).toEqual([]);
    const history = parseConsoleArgs(['--history=off']);
    expect(history).toEqual({ help: false, history: 'off' });
    expect(consoleArgv({ history: 'off' })).toEqual(['--history', 'off']);
    expect(() => parseConsoleArgs(['--user'])).toThrow('--user needs a value');
    expect(() => parseConsoleArgs(['--as', 'U1'])).toThrow("unknown option '--as'");
  });

  it('audit verify: --anchors-from F, repeatable, always present; with --file or --against too', () => {
    expect(parseAuditArgs(['verify'], NOW)).toMatchObject({ command: 'verify', anchorsFrom: [] });
    expect(parseAuditArgs(['verify', '--anchors-from', 'a.jsonl', '--anchors-from=b.txt'], NOW)).toMatchObject({
      anchorsFrom: ['a.jsonl', 'b.txt'],
    });
    expect(parseAuditArgs(['verify', '--file', 'x.jsonl', '--anchors-from', 'a'], NOW)).toMatchObject({
      file: 'x.jsonl',
      anchorsFrom: ['a'],
    });
    expect(parseAuditArgs(['verify', '--against', 'x.jsonl', '--anchors-from', 'a'], NOW)).toMatchObject({
      against: 'x.jsonl',
      anchorsFrom: ['a'],
    });
    expect(() => parseAuditArgs(['verify', '--anchors-from'], NOW)).toThrow('--anchors-from needs a value');
    expect(COMMAND_USAGE.audit).toContain('[--anchors-from F]...');
    expect(COMMAND_USAGE.audit).toContain('use every anchor line found in F');
  });

  it('audit: every command takes --help; the old wording of mistakes stays', () => {
    for (const c of ['export', 'tail', 'verify']) expect(parseAuditArgs([c, '--help'], NOW)).toEqual({ command: 'help' });
    expect(() => parseAuditArgs(['tail', '--lines', '-1'], NOW)).toThrow('--lines needs a value');
    expect(() => parseAuditArgs(['tail', '--lines=x'], NOW)).toThrow('--lines: a number from 0 to 100000');
    expect(() => parseAuditArgs(['tail', '--follow=1'], NOW)).toThrow('--follow takes no value');
    expect(() => parseAuditArgs(['tail', 'extra'], NOW)).toThrow('tail: unexpected argument extra');
    expect(() => parseAuditArgs(['verify', '--file', 'a', '--against', 'b'], NOW)).toThrow('--file and --against: one or the other');
    expect(parseAuditArgs(['verify', '--clock-skew=90s'], NOW)).toMatchObject({ clockSkewMs: 90_000 });
  });
});

describe('srs-chatops [--help | --version] <command>', () => {
  it('splits at the command; options before it are --help and --version only', () => {
    expect(parseMainArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseMainArgs(['-V'])).toEqual({ kind: 'version' });
    expect(parseMainArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseMainArgs(['doctor', '--trust-new'])).toEqual({ kind: 'command', command: 'doctor', rest: ['--trust-new'] });
    expect(() => parseMainArgs([])).toThrow('a command is needed');
    expect(() => parseMainArgs(['--bogus', 'worker'])).toThrow("unknown option '--bogus'");
  });

  it("the version is package.json's, found from the source and from a built layout alike", () => {
    expect(packageVersion()).toBe(pkg.version);
    expect(packageVersion(`${__dirname}/../../../../dist/src/cli/args`)).toBe(pkg.version); // need not exist: walks up
  });
});
