import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePackages } from '../../test/support/ensure-packages';
import { SUBREAPER_ENV } from '../../test/support/reaper/require-subreaper';
import { ensurePeers } from './peers';

/** `--login-user NAME`: a plain user name, or undefined when it is the current user (nothing to switch). */
export function checkLoginUser(name: string | undefined): string | undefined {
  if (name !== undefined && !/^[a-z_][a-z0-9_-]{0,30}$/.test(name)) throw new Error('--login-user: a plain user name');
  return name === os.userInfo().username ? undefined : name;
}

/**
 * Root only: installs what is missing (packages, peers), then runs the bench `script` (a file of bench/) again as
 * `user` (created if missing, Debian's default dotfiles) with this process's arguments minus `--login-user` and
 * `--out`, and copies its results into `outDir`. On a local fleet every remote command starts the login user's shell:
 * root's dotfiles may cost 100 ms per command and would decide the result.
 */
export async function runAsUser(script: string, outDir: string, user: string, keep: boolean, log: (msg: string) => void): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    throw new Error('--login-user needs root (it runs the bench as that user)');
  ensurePackages();
  for (const note of ensurePeers(true).notes) log(`note: ${note}`);
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
  } catch {
    log(`creating user ${user} (useradd --create-home --shell /bin/bash)`);
    execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', user], { stdio: 'inherit', timeout: 30_000 });
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-bench-as-'));
  fs.chmodSync(work, 0o755);
  execFileSync('chown', [user, work]);
  const childOut = path.join(work, 'results');
  const args: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === '--login-user' || a === '--out') i += 1;
    else if (!a.startsWith('--login-user=') && !a.startsWith('--out=')) args.push(a);
  }
  const env = [
    `HOME=${os.userInfo().username === user ? os.homedir() : path.join('/home', user)}`,
    `TMPDIR=${work}`,
    `PATH=${path.dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    `LANG=C.UTF-8`,
    ...(process.env.LOG_LEVEL ? [`LOG_LEVEL=${process.env.LOG_LEVEL}`] : []),
    // The subreaper above this process stays the child's ancestor (setpriv and env exec in place): say so.
    ...(process.env[SUBREAPER_ENV] ? [`${SUBREAPER_ENV}=${process.env[SUBREAPER_ENV]}`] : []),
  ];
  log(`running the bench as ${user} (work dir ${work})`);
  // setpriv execs in place (no intermediate process), so signals sent to the child reach the bench itself.
  const child = spawn(
    'setpriv',
    [
      `--reuid=${user}`,
      `--regid=${user}`,
      '--init-groups',
      '--',
      'env',
      '-i',
      ...env,
      process.execPath,
      '--import',
      'tsx',
      path.join(__dirname, '..', script),
      ...args,
      '--out',
      childOut,
    ],
    { cwd: path.resolve(__dirname, '..', '..'), stdio: 'inherit' },
  );
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  process.once('SIGINT', forward('SIGINT'));
  process.once('SIGTERM', forward('SIGTERM'));
  const code = await new Promise<number>((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1))));
  fs.mkdirSync(outDir, { recursive: true });
  if (fs.existsSync(childOut)) for (const f of fs.readdirSync(childOut)) fs.copyFileSync(path.join(childOut, f), path.join(outDir, f));
  if (!keep) fs.rmSync(work, { recursive: true, force: true });
  if (code !== 0) throw new Error(`the bench run as ${user} exited ${code}`);
}
