import type { PortHolder, SrsState } from '../../core/verb-result';

/** A process holding a listening socket, as `ss -p` names it. */
export interface SocketOwner {
  pid: number;
  /** The name ss shows (the process's comm), e.g. `srs`, `python3`. */
  name: string;
  /** Whether it is this root's SRS. */
  srs: boolean;
}

/** A listening media or API port and the processes holding it (none when ss could not name them). */
export interface ProbeListener {
  port: number;
  owners: SocketOwner[];
}

/** What the probe script read on a host. */
export interface ProbeResult {
  state: SrsState;
  pid?: number;
  pidFile?: string;
  logFile?: string;
  log?: { inode: string; size: number };
  /** `<log>.sys`: where init.d appends what SRS prints before its log is open (a config syntax error). */
  launcherLog?: { inode: string; size: number };
  /** Established connections on the media ports. */
  established?: number;
  /** Ports with a listening socket among the media and API ports, whoever holds them. */
  listening: number[];
  /** The same ports with their holders (parseProbe always sets the three below; a hand-made probe may not). */
  listeners?: ProbeListener[];
  /** Listening ports this root's SRS holds (also those ss cannot name a holder for while SRS runs). */
  srsListening?: number[];
  /** Listening ports held by another program, or by a process ss cannot name while SRS is not running. */
  holders?: PortHolder[];
  /** Problems with the install (root or config missing). */
  errors: string[];
  cmdline?: string;
  cwd?: string;
  /** The parent of the pid file's process (for a zombie: the process that has not reaped it) and its command line. */
  ppid?: number;
  parentCmdline?: string;
}

type Values = Map<string, string[]>;

/** Parses the probe's `key=value` lines and decides the state: pid file, /proc, zombie, recycled pid, port holders. */
export function parseProbe(stdout: string, srsRoot: string): ProbeResult {
  const values: Values = new Map();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i <= 0) continue;
    const key = line.slice(0, i);
    const list = values.get(key) ?? [];
    list.push(line.slice(i + 1));
    values.set(key, list);
  }
  const one = (k: string): string | undefined => values.get(k)?.[0];
  const errors = values.get('error') ?? [];
  const result: ProbeResult = { state: 'unknown', listening: [], errors };
  const pidFile = one('pid_file');
  if (pidFile !== undefined) result.pidFile = pidFile;
  const logFile = one('log_file');
  if (logFile !== undefined) result.logFile = logFile;
  const logStat = one('log_stat')?.split(' ');
  if (logStat && logStat.length === 2) result.log = { inode: logStat[0] ?? '0', size: Number(logStat[1]) || 0 };
  const sysStat = one('sys_stat')?.split(' ');
  if (sysStat && sysStat.length === 2) result.launcherLog = { inode: sysStat[0] ?? '0', size: Number(sysStat[1]) || 0 };
  const established = one('established');
  if (established !== undefined && established.trim() !== '') result.established = Number(established.trim());
  const cmdline = one('proc_cmdline');
  if (cmdline !== undefined) result.cmdline = cmdline;
  const cwd = one('proc_cwd');
  if (cwd !== undefined) result.cwd = cwd;
  const ppid = Number(one('proc_ppid'));
  if (Number.isInteger(ppid) && ppid > 0) result.ppid = ppid;
  const parentCmdline = one('parent_cmdline')?.trim();
  if (parentCmdline !== undefined && parentCmdline !== '') result.parentCmdline = parentCmdline;
  decideState(result, one, srsRoot);
  readListeners(result, values, srsRoot);
  return result;
}

function decideState(result: ProbeResult, one: (k: string) => string | undefined, srsRoot: string): void {
  if (one('probe') !== 'done' || result.errors.includes('root_missing')) return;
  const pidText = one('pid');
  if (pidText === undefined) {
    result.state = 'stopped';
    return;
  }
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) {
    result.state = 'stale_pid';
    return;
  }
  result.pid = pid;
  const procState = one('proc_state');
  if (procState === undefined || procState === '') result.state = 'stale_pid';
  else if (procState === 'Z' || procState === 'X') result.state = 'zombie';
  else if (!isSrsProcess(result.cmdline ?? '', result.cwd, srsRoot)) result.state = 'foreign_pid';
  else result.state = 'running';
}

/** `ss -p` names holders as `users:(("name",pid=N,fd=M),...)` (iproute2 before 2014: `("name",N,M)`). */
const OWNER = /\("((?:[^"\\]|\\.)*)",(?:pid=)?(\d+),/g;

/**
 * Reads `listen=ADDR [users:(...)]` lines and the `owner_cmdline=PID ...`/`owner_cwd=PID ...` of their holders, then
 * tells this root's SRS from other programs. A listener ss names no holder for (another user's process, probe not
 * run as root) is SRS's while SRS runs; otherwise it belongs to something else the SSH user cannot see.
 */
function readListeners(result: ProbeResult, values: Values, srsRoot: string): void {
  const byPid = (key: string): Map<number, string> => {
    const m = new Map<number, string>();
    for (const v of values.get(key) ?? []) {
      const sp = v.indexOf(' ');
      const pid = Number(sp < 0 ? v : v.slice(0, sp));
      if (Number.isInteger(pid) && pid > 0) m.set(pid, sp < 0 ? '' : v.slice(sp + 1).trim());
    }
    return m;
  };
  const ownerCmdlines = byPid('owner_cmdline');
  const ownerCwds = byPid('owner_cwd');
  const isSrs = (pid: number): boolean => {
    if (pid === result.pid) return result.state === 'running';
    const cmd = ownerCmdlines.get(pid);
    return cmd !== undefined && cmd !== '' && isSrsProcess(cmd, ownerCwds.get(pid), srsRoot);
  };
  const listeners: ProbeListener[] = [];
  const srsListening: number[] = [];
  const holders: PortHolder[] = [];
  const ports = new Map<number, Map<number, SocketOwner>>();
  for (const line of values.get('listen') ?? []) {
    const sp = line.indexOf(' ');
    const addr = sp < 0 ? line : line.slice(0, sp);
    const port = Number(addr.slice(addr.lastIndexOf(':') + 1));
    if (!Number.isInteger(port) || port <= 0) continue;
    const owners = ports.get(port) ?? new Map<number, SocketOwner>();
    ports.set(port, owners);
    for (const m of (sp < 0 ? '' : line.slice(sp + 1)).matchAll(OWNER)) {
      const pid = Number(m[2]);
      if (!owners.has(pid)) owners.set(pid, { pid, name: (m[1] ?? '').replace(/\\(.)/g, '$1'), srs: isSrs(pid) });
    }
  }
  for (const [port, owners] of ports) {
    const list = [...owners.values()];
    result.listening.push(port);
    listeners.push({ port, owners: list });
    if (list.some((o) => o.srs) || (list.length === 0 && result.state === 'running')) srsListening.push(port);
    else if (list.length === 0) holders.push({ port });
    else for (const o of list) holders.push({ port, pid: o.pid, command: o.name });
  }
  Object.assign(result, { listeners, srsListening, holders });
}

/**
 * SRS runs as `objs/srs`. When several installs share a machine, a binary started by absolute path must be this
 * root's; one started by relative path (`./objs/srs`, as the init.d script does) must run from this root.
 */
function isSrsProcess(cmdline: string, cwd: string | undefined, srsRoot: string): boolean {
  const binary = cmdline.split(' ').find((word) => word.includes('objs/srs'));
  if (binary === undefined) return false;
  const root = srsRoot.replace(/\/+$/, '');
  if (binary.startsWith('/')) return binary.startsWith(`${root}/`);
  return cwd === undefined || cwd === '' || cwd === root || cwd === '/';
}
