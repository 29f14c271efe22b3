import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { runCommand } from '../run-command';
import { isProcessAlive, listDescendants, readPidFile } from '../process-table';
import { signalProcess, stopProcess } from '../stop-process';
import { waitUntil } from '../wait-until';
import { readSshBanner } from './ssh-banner';
import type { SshdFiles } from './types';

export const SSHD_BINARY = '/usr/sbin/sshd';

/** sshd's privilege separation directory (it refuses to start or even test a config without it). */
function ensurePrivsepDir(): void {
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
}

function logTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-10).join('\n').trim() || '(empty log)';
  } catch {
    return '(no log)';
  }
}

/** Checks a config with `sshd -t`; extra `-o` options may be given. Resolves sshd's complaint, or '' when valid. */
export async function testSshdConfig(configPath: string, options: readonly string[] = []): Promise<string> {
  ensurePrivsepDir();
  const args = ['-t', '-f', configPath, ...options.flatMap((option) => ['-o', option])];
  const result = await runCommand(SSHD_BINARY, args, { timeoutMs: 10_000 });
  return result.code === 0 ? '' : result.stderr.trim() || `exit ${String(result.code)}`;
}

/**
 * Starts `sshd -D -e -f CONFIG` detached (stderr appended to the host's sshd log), records its pid, and resolves
 * it once the port answers with an SSH banner.
 */
export async function spawnSshd(files: SshdFiles, port: number, timeoutMs = 10_000): Promise<number> {
  ensurePrivsepDir();
  const log = fs.openSync(files.logPath, 'a');
  let pid: number | undefined;
  try {
    const child = spawn(SSHD_BINARY, ['-D', '-e', '-f', files.configPath], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    pid = child.pid;
  } finally {
    fs.closeSync(log);
  }
  if (pid === undefined) throw new Error(`could not spawn ${SSHD_BINARY}`);
  const started = pid;
  fs.writeFileSync(files.pidPath, `${started}\n`);
  await waitUntil(
    async () => {
      if (!isProcessAlive(started)) {
        throw new Error(`sshd on port ${port} exited at start: ${logTail(files.logPath)}`);
      }
      return (await readSshBanner(port, 1000)) !== undefined;
    },
    { timeoutMs, intervalMs: 20, description: `sshd (pid ${started}) on port ${port} to send its banner` },
  );
  return started;
}

/** The listening sshd's pid when it is alive, else 0. */
export function runningSshdPid(files: SshdFiles): number {
  const pid = readPidFile(files.pidPath);
  return pid !== undefined && isProcessAlive(pid) ? pid : 0;
}

/** The per-connection sshd processes under a listening sshd (they serve the open connections). */
export function connectionPids(listenerPid: number): number[] {
  return listDescendants(listenerPid)
    .filter((row) => row.comm === 'sshd')
    .map((row) => row.pid);
}

/** Sends `signal` to the listening sshd and every per-connection sshd under it. */
export function signalSshdTree(listenerPid: number, signal: NodeJS.Signals): void {
  const connections = connectionPids(listenerPid);
  signalProcess(listenerPid, signal);
  for (const pid of connections) signalProcess(pid, signal);
}

/** Stops the listening sshd; with `dropConnections`, also kills the processes serving open connections. */
export async function killSshd(files: SshdFiles, dropConnections: boolean): Promise<void> {
  const pid = runningSshdPid(files);
  if (pid === 0) return;
  const connections = dropConnections ? connectionPids(pid) : [];
  await stopProcess(pid, { signal: 'SIGTERM', graceMs: 2000 });
  await Promise.all(connections.map((child) => stopProcess(child, { signal: 'SIGKILL' })));
}
