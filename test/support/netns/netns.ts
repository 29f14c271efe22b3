import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { runCommand, type CommandResult } from '../run-command';

/** Network namespaces, veth pairs and processes inside them need root (CI runs as root): say so plainly. */
export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${what} needs root (network namespaces); CI runs as root, run it as root`);
}

/** Runs `ip ARGS`, throwing with ip's complaint when it fails. */
export async function ip(args: readonly string[]): Promise<void> {
  const r = await runCommand('ip', args, { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed (exit ${String(r.code)}): ${r.stderr.trim()}`);
}

/** Runs a program inside a namespace (`ip netns exec NS FILE ARGS`); resolves whatever its exit status. */
export function execIn(ns: string, file: string, args: readonly string[], timeoutMs = 10_000): Promise<CommandResult> {
  return runCommand('ip', ['netns', 'exec', ns, file, ...args], { timeoutMs });
}

/**
 * Starts a long-running program inside a namespace, detached, output appended to `logPath`. `ip netns exec` execs
 * the program in place (no fork), so the pid is the program's own.
 */
export function spawnIn(ns: string, file: string, args: readonly string[], logPath: string): number {
  const log = fs.openSync(logPath, 'a');
  try {
    const child = spawn('ip', ['netns', 'exec', ns, file, ...args], { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${file} in ${ns}`);
    return child.pid;
  } finally {
    fs.closeSync(log);
  }
}

/** Established TCP connections in `ns` whose local port is `port` (`ss -Htn state established`). */
export async function establishedOnPort(ns: string, port: number): Promise<number> {
  const r = await execIn(ns, 'ss', ['-Htn', 'state', 'established', `( sport = :${port} )`]);
  if (r.code !== 0) throw new Error(`ss in ${ns} failed: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

/** Whether a TCP connect from `ns` to address:port succeeds within `timeoutMs` (bash's /dev/tcp, no extra tool). */
export async function canConnectFrom(ns: string, address: string, port: number, timeoutMs = 3000): Promise<boolean> {
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  const r = await execIn(ns, 'timeout', [seconds, 'bash', '-c', `exec 3<>/dev/tcp/${address}/${port}`], timeoutMs + 5000);
  return r.code === 0;
}
