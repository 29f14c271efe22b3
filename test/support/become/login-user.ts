import { runCommand } from '../run-command';

/**
 * Creates a non-root login user if it does not exist yet (idempotent; kept between runs): `useradd -m`, shell
 * /bin/sh, and an unlocked password field (`*`: no password login, but sshd without PAM refuses a `!` locked
 * account even for keys). Resolves its uid. Needs root.
 */
export async function ensureLoginUser(name: string): Promise<number> {
  if (process.getuid?.() !== 0) throw new Error(`creating the login user ${name} needs root (CI runs as root)`);
  let id = await runCommand('id', ['-u', name]);
  if (id.code !== 0) {
    const add = await runCommand('useradd', ['-m', '-s', '/bin/sh', name]);
    // Another test process may have created it in between.
    if (add.code !== 0 && !/already exists/.test(add.stderr)) throw new Error(`useradd ${name} failed: ${add.stderr.trim()}`);
    id = await runCommand('id', ['-u', name]);
  }
  const unlock = await runCommand('usermod', ['-p', '*', name]);
  if (unlock.code !== 0) throw new Error(`usermod -p '*' ${name} failed: ${unlock.stderr.trim()}`);
  return Number(id.stdout.trim());
}

/** Runs a command as `user` (through `su`, with a login-like shell), as the SSH login would. */
export function runAs(user: string, command: string): ReturnType<typeof runCommand> {
  return runCommand('su', ['-s', '/bin/sh', '-c', command, user], { env: { PATH: '/usr/bin:/bin' } });
}
