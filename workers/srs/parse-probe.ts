import type { SrsState } from '../../src/core/verb-result';

/** What the probe script read on a host. */
export interface ProbeResult {
  state: SrsState;
  pid?: number;
  pidFile?: string;
  logFile?: string;
  log?: { inode: string; size: number };
  /** Established connections on the media ports. */
  established?: number;
  /** Ports with a listening socket among the media and API ports. */
  listening: number[];
  /** Problems with the install (root or config missing). */
  errors: string[];
  cmdline?: string;
  cwd?: string;
}

/** Parses the probe's `key=value` lines and decides the state: pid file, /proc, zombie, recycled pid. */
export function parseProbe(stdout: string, srsRoot: string): ProbeResult {
  const values = new Map<string, string[]>();
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
  const listening = (values.get('listen') ?? [])
    .map((addr) => Number(addr.slice(addr.lastIndexOf(':') + 1)))
    .filter((n) => Number.isInteger(n) && n > 0);
  const result: ProbeResult = { state: 'unknown', listening: [...new Set(listening)], errors };
  const pidFile = one('pid_file');
  if (pidFile !== undefined) result.pidFile = pidFile;
  const logFile = one('log_file');
  if (logFile !== undefined) result.logFile = logFile;
  const logStat = one('log_stat')?.split(' ');
  if (logStat && logStat.length === 2) result.log = { inode: logStat[0] ?? '0', size: Number(logStat[1]) || 0 };
  const established = one('established');
  if (established !== undefined && established.trim() !== '') result.established = Number(established.trim());
  const cmdline = one('proc_cmdline');
  if (cmdline !== undefined) result.cmdline = cmdline;
  const cwd = one('proc_cwd');
  if (cwd !== undefined) result.cwd = cwd;
  if (one('probe') !== 'done' || errors.includes('root_missing')) return result;

  const pidText = one('pid');
  if (pidText === undefined) {
    result.state = 'stopped';
    return result;
  }
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) {
    result.state = 'stale_pid';
    return result;
  }
  result.pid = pid;
  const procState = one('proc_state');
  if (procState === undefined || procState === '') result.state = 'stale_pid';
  else if (procState === 'Z' || procState === 'X') result.state = 'zombie';
  else if (!isSrsProcess(cmdline ?? '', cwd, srsRoot)) result.state = 'foreign_pid';
  else result.state = 'running';
  return result;
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
