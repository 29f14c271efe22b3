import {
  isProcessAlive,
  listDescendants,
  listProcesses,
  readCmdline,
  readCwd,
  selfAndAncestors,
  type ProcessInfo,
} from '../../test/support/process-table';
import { signalProcess } from '../../test/support/stop-process';

/** A process of a demo run: its pid and what it runs. */
export interface DemoProcess {
  pid: number;
  comm: string;
  cmdline: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the demo runs: SRS (the simulator is node; a real build is `srs`), sshd, redis-server, the watchdog (node). */
const DEMO_PROGRAMS = new Set(['node', 'srs', 'sshd', 'redis-server']);

/**
 * Every live process of a demo state directory: a program the demo runs whose command line mentions a path inside
 * `root` (sshd's `-f .demo/fleet/hosts/…/sshd_config`, SRS's `.demo/fleet/hosts/…/objs/srs`, the watchdog) or that
 * runs in it (redis-server, whose title shows only its address, runs in `.demo/redis`), plus their descendants (the
 * sshd processes serving connections). Anything else (someone's `tail -f .demo/worker.log`, a shell in `.demo/`),
 * this process and its ancestors never count.
 */
export function findDemoProcesses(
  root: string,
  spare: readonly number[] = [],
  table: readonly ProcessInfo[] = listProcesses(),
): DemoProcess[] {
  const dir = root.replace(/\/+$/, '');
  const mentions = new RegExp(`${escapeRegExp(dir)}(?:/|\\s|$)`);
  const spared = selfAndAncestors(table);
  for (const pid of spare) spared.add(pid);
  const live = table.filter((row) => row.state !== 'Z' && row.state !== 'X' && !spared.has(row.pid));
  const found = new Map<number, DemoProcess>();
  for (const row of live) {
    if (!DEMO_PROGRAMS.has(row.comm)) continue;
    const cmdline = readCmdline(row.pid) ?? '';
    const cwd = readCwd(row.pid) ?? '';
    if (mentions.test(cmdline) || cwd === dir || cwd.startsWith(`${dir}/`)) found.set(row.pid, { pid: row.pid, comm: row.comm, cmdline });
  }
  for (const pid of [...found.keys()]) {
    for (const child of listDescendants(pid, table)) {
      if (!spared.has(child.pid) && child.state !== 'Z' && !found.has(child.pid))
        found.set(child.pid, { pid: child.pid, comm: child.comm, cmdline: readCmdline(child.pid) ?? '' });
    }
  }
  return [...found.values()];
}

/**
 * Stops every process of a demo state directory: SIGTERM (and SIGCONT), then SIGKILL for those still alive after
 * `graceMs`, scanning again until none is left or `timeoutMs` passed (a supervisor may start another SRS between
 * two scans). `spare`: pids left alone (the demo's own watchdog). Resolves the processes it signalled; those still
 * alive at the end are in `survivors`.
 */
export async function sweepDemoProcesses(
  root: string,
  options: { spare?: readonly number[]; graceMs?: number; timeoutMs?: number } = {},
): Promise<{ stopped: DemoProcess[]; survivors: DemoProcess[] }> {
  const { spare = [], graceMs = 1500, timeoutMs = 8000 } = options;
  const stopped = new Map<number, DemoProcess>();
  const started = Date.now();
  let round = 0;
  for (;;) {
    const found = findDemoProcesses(root, spare);
    if (found.length === 0) return { stopped: [...stopped.values()], survivors: [] };
    if (Date.now() - started > timeoutMs) return { stopped: [...stopped.values()], survivors: found };
    const signal: NodeJS.Signals = round === 0 ? 'SIGTERM' : 'SIGKILL';
    for (const p of found) {
      stopped.set(p.pid, p);
      try {
        signalProcess(p.pid, signal);
        if (signal === 'SIGTERM') signalProcess(p.pid, 'SIGCONT');
      } catch {
        // EPERM: another user's process; reported as a survivor if it stays
      }
    }
    const waitUntil = Date.now() + (round === 0 ? graceMs : 500);
    while (Date.now() < waitUntil && found.some((p) => isProcessAlive(p.pid))) await new Promise((r) => setTimeout(r, 50));
    round += 1;
  }
}

/** One line per process: `pid comm (cmdline)`. */
export function describeProcesses(processes: readonly DemoProcess[]): string {
  return processes.map((p) => `${p.pid} ${p.comm}${p.cmdline ? ` (${p.cmdline.slice(0, 100)})` : ''}`).join('; ');
}
