import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import pkg from '../../../package.json';

const root = path.join(__dirname, '..', '..', '..');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `srs-chatops ...` from source (tsx) as a real process. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: root, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 30_000 },
      (_e, out, err) => resolve({ code: child.exitCode, out, err }),
    );
    child.stdin?.end();
  });
}

describe('srs-chatops (the CLI as a process)', () => {
  // Were a command to start, it would find no config and no Redis it may use: a connection here would be counted.
  let connections = 0;
  let redis: net.Server;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    redis = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => redis.listen(0, '127.0.0.1', r));
    const { port } = redis.address() as net.AddressInfo;
    env = { REDIS_URL: `redis://127.0.0.1:${port}`, SRS_CHATOPS_CONFIG: path.join(root, 'config', 'example.yml'), METRICS_PORT: 'off' };
  });
  afterAll(() => new Promise<void>((r) => redis.close(() => r())));

  it('--version and -V print the version of package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await cli([flag]);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out.split('\n')[0]).toBe(`srs-chatops ${pkg.version}`);
    }
  });

  it.each([
    ['worker', 'usage: srs-chatops worker\n'],
    ['bot', 'usage: srs-chatops bot\n'],
    ['console', 'usage: srs-chatops console [--user U] [--channel C] [--history FILE|off]\n'],
    ['doctor', 'usage: srs-chatops doctor [--trust-new]\n'],
    ['audit', 'usage: srs-chatops audit <command> [options]'],
  ])('%s --help prints its usage on stdout, exits 0, starts nothing', async (command, usage) => {
    for (const flag of ['--help', '-h']) {
      const r = await cli([command, flag], env);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out.startsWith(usage)).toBe(true);
    }
    expect(connections).toBe(0);
  });

  it('help, --help and help <command>', async () => {
    expect((await cli(['--help'])).out).toContain('usage: srs-chatops <command> [options]');
    expect(await cli(['help'])).toMatchObject({ code: 0, out: expect.stringContaining('-V, --version') as unknown });
    expect(await cli(['help', 'worker'])).toMatchObject({ code: 0, out: expect.stringMatching(/^usage: srs-chatops worker\n/) as unknown });
  });

  it.each([
    [['doctor', '--bogus'], "srs-chatops doctor: unknown option '--bogus'\n\nusage: srs-chatops doctor"],
    [['worker', '--config', 'x.yml'], "srs-chatops worker: unknown option '--config'\n\nusage: srs-chatops worker"],
    [['bot', 'now'], "srs-chatops bot: unexpected argument 'now'\n\nusage: srs-chatops bot"],
    [['console', '--user'], 'srs-chatops console: --user needs a value\n\nusage: srs-chatops console'],
    [['audit', 'export', '--bogus'], 'srs-chatops audit: export: unknown option --bogus\n\nusage: srs-chatops audit'],
    [['frobnicate'], "srs-chatops: unknown command 'frobnicate'\n\nusage: srs-chatops <command>"],
    [['--bogus'], "srs-chatops: unknown option '--bogus'\n\nusage: srs-chatops <command>"],
    [[], 'srs-chatops: a command is needed\n\nusage: srs-chatops <command>'],
    [['help', 'nope'], "srs-chatops help: no command 'nope'"],
  ])('%j exits 2 naming the mistake, with the usage, on stderr only', async (args, message) => {
    const r = await cli(args, env);
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err.startsWith(message)).toBe(true);
    expect(connections).toBe(0);
  });

  it('errors go to stderr: doctor with a config it cannot read exits 1 saying so, stdout empty', async () => {
    const r = await cli(['doctor'], { ...env, SRS_CHATOPS_CONFIG: path.join(root, 'no-such-config.yml') });
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(/^srs-chatops doctor: cannot read config file .*no-such-config\.yml/);
    const worker = await cli(['worker'], { ...env, SRS_CHATOPS_CONFIG: path.join(root, 'no-such-config.yml') });
    expect(worker).toMatchObject({ code: 1, out: '' });
    expect(worker.err).toContain('cannot read config file');
  });
});
