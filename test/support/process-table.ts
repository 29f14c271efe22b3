import fs from 'node:fs';

/** One row of the Linux process table (from `/proc/PID/stat`). */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Executable name, at most 15 characters (`sshd`, `redis-server`, `node`). */
  comm: string;
  /** One letter: R, S, D, T (stopped), Z (zombie), ... */
  state: string;
}

/** Reads `/proc/PID/stat`; undefined when the process does not exist. */
export function readProcessInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "PID (COMM) STATE PPID ..."; COMM may itself contain spaces and parentheses.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const rest = stat.slice(close + 2).split(' ');
  return { pid, comm: stat.slice(open + 1, close), state: rest[0] ?? '?', ppid: Number(rest[1]) };
}

/** True when the process exists and is not a zombie (an unreaped dead process still answers `kill -0`). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const info = readProcessInfo(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** The command line of a process, arguments joined by spaces; undefined when it is gone. */
export function readCmdline(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** The working directory of a process; undefined when it is gone or unreadable. */
export function readCwd(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** Every live process (zombies included: filter with `state`). */
export function listProcesses(): ProcessInfo[] {
  const rows: ProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcessInfo(Number(entry));
    if (info) rows.push(info);
  }
  return rows;
}

/** All descendants of `pid` (children, grandchildren...), from one snapshot of the process table. */
export function listDescendants(pid: number, table: readonly ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of table) {
      if (parents.has(row.ppid) && !parents.has(row.pid)) {
        parents.add(row.pid);
        found.push(row);
        grew = true;
      }
    }
  }
  return found;
}

/** Reads a pid file; undefined when missing or not a positive integer. */
export function readPidFile(path: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** This process and its ancestors (never to be signalled, whatever their command line says). */
export function selfAndAncestors(table: readonly ProcessInfo[]): Set<number> {
  const byPid = new Map(table.map((row) => [row.pid, row]));
  const chain = new Set<number>();
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1 && !chain.has(pid);) {
    chain.add(pid);
    pid = byPid.get(pid)?.ppid;
  }
  return chain;
}
