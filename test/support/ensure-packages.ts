import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A program a run needs, and the Debian package that provides it. */
export interface ProgramNeed {
  /** By absolute path, or by name on PATH (plus the sbin directories). */
  program: string;
  pkg: string;
}

/** What every fleet needs: sshd and its tools, redis-server, ss and ps, and sudo (the `become: sudo` tests). */
export const FLEET_PROGRAMS: readonly ProgramNeed[] = [
  { program: '/usr/sbin/sshd', pkg: 'openssh-server' },
  { program: 'ssh-keygen', pkg: 'openssh-client' },
  { program: 'ssh', pkg: 'openssh-client' },
  { program: 'redis-server', pkg: 'redis-server' },
  { program: 'ss', pkg: 'iproute2' },
  { program: 'ps', pkg: 'procps' },
  { program: 'sudo', pkg: 'sudo' },
  { program: '/usr/sbin/visudo', pkg: 'sudo' },
];

/** Real RTMP and HTTP-FLV clients for real SRS hosts (the test suite's conformance cases). */
export const MEDIA_CLIENT_PROGRAMS: readonly ProgramNeed[] = [{ program: 'ffmpeg', pkg: 'ffmpeg' }];

/** The apt command that installs some packages. */
export function installCommand(packages: readonly string[]): string {
  return `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${[...new Set(packages)].join(' ')}`;
}

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
  return dirs
    .filter((dir) => dir !== '')
    .map((dir) => path.join(dir, program))
    .find(isExecutable);
}

/** The needed programs that are not installed. */
export function missingPrograms(needs: readonly ProgramNeed[] = FLEET_PROGRAMS): ProgramNeed[] {
  return needs.filter((need) => findProgram(need.program) === undefined);
}

/**
 * Makes sure the fleet's programs (and `extra` ones) exist. When some are missing: as root, installs their packages
 * with apt-get; otherwise throws an error naming the command to run.
 */
export function ensurePackages(extra: readonly ProgramNeed[] = []): void {
  const needs = [...FLEET_PROGRAMS, ...extra];
  const missing = missingPrograms(needs);
  if (missing.length === 0) return;
  const command = installCommand(missing.map((m) => m.pkg));
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`missing ${missing.map((m) => m.program).join(', ')} (not installed). Install them with:\n  sudo sh -c '${command}'`);
  }
  execFileSync('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000 });
  const still = missingPrograms(needs);
  if (still.length > 0) throw new Error(`still missing after \`${command}\`: ${still.map((m) => m.program).join(', ')}`);
}
