import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The Debian packages the integration tests need, and the command that installs them. */
export const REQUIRED_PACKAGES = ['openssh-server', 'redis-server', 'iproute2', 'procps'] as const;
export const INSTALL_COMMAND =
  'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ' + REQUIRED_PACKAGES.join(' ');

/** Programs checked, by absolute path or by name on PATH (plus the sbin directories). */
const REQUIRED_PROGRAMS = ['/usr/sbin/sshd', 'redis-server', 'ssh-keygen', 'ssh', 'ss', 'ps'] as const;

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Resolves a program name the way a shell would (PATH plus /usr/sbin and /sbin); undefined when missing. */
export function findProgram(program: string): string | undefined {
  if (program.includes('/')) return isExecutable(program) ? program : undefined;
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  return dirs.filter((dir) => dir !== '').map((dir) => path.join(dir, program)).find(isExecutable);
}

/** The required programs that are not installed. */
export function missingPrograms(): string[] {
  return REQUIRED_PROGRAMS.filter((program) => findProgram(program) === undefined);
}

/**
 * Makes sure sshd, redis-server, ssh-keygen, ssh, ss and ps exist. When some are missing: as root, installs the
 * packages with apt-get; otherwise throws an error naming the command to run.
 */
export function ensurePackages(): void {
  const missing = missingPrograms();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `integration tests need ${missing.join(', ')} (not installed). Install them with:\n  sudo sh -c '${INSTALL_COMMAND}'`,
    );
  }
  execFileSync('sh', ['-c', INSTALL_COMMAND], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  const still = missingPrograms();
  if (still.length > 0) {
    throw new Error(`still missing after installing ${REQUIRED_PACKAGES.join(' ')}: ${still.join(', ')}`);
  }
}
