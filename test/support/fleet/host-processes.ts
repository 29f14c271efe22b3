import { isProcessAlive, listDescendants, listProcesses, readCmdline, readCwd, selfAndAncestors } from '../process-table';
import { signalProcess } from '../stop-process';
import { waitUntil } from '../wait-until';

/** Which processes of a host to pick. */
export interface HostProcessFilter {
  /** The host's fake root (`fleetDir/hosts/<name>`). */
  hostDir: string;
  /** Only processes whose command line contains this (`ROOT/objs/srs`: SRS itself, not its supervisor). */
  cmdlineIncludes?: string;
  /** Skip processes under this sshd (commands the bot is running over SSH). 0: skip none. */
  sparedSshdPid?: number;
}

/**
 * Processes belonging to a host: their command line mentions a path inside the host directory, or they run in it
 * (SRS daemons, the launcher, the systemd shim's supervisor, init scripts). sshd itself, this process and its
 * ancestors never match.
 */
export function findHostProcesses(filter: HostProcessFilter): number[] {
  const hostDir = filter.hostDir.replace(/\/+$/, '');
  const mentions = new RegExp(`${hostDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/|\\s|$)`);
  const table = listProcesses();
  const spared = selfAndAncestors(table);
  if (filter.sparedSshdPid) for (const row of listDescendants(filter.sparedSshdPid, table)) spared.add(row.pid);
  return table
    .filter((row) => row.state !== 'Z' && row.comm !== 'sshd' && !spared.has(row.pid))
    .filter((row) => {
      const cmdline = readCmdline(row.pid) ?? '';
      const cwd = readCwd(row.pid) ?? '';
      if (filter.cmdlineIncludes !== undefined && !cmdline.includes(filter.cmdlineIncludes)) return false;
      return mentions.test(cmdline) || `${cwd}/`.startsWith(`${hostDir}/`);
    })
    .map((row) => row.pid);
}

/**
 * SIGKILLs the host's processes until none is left (a supervisor may spawn a new SRS between two scans).
 * Resolves the pids killed.
 */
export async function killHostProcesses(filter: HostProcessFilter, timeoutMs = 5000): Promise<number[]> {
  const killed = new Set<number>();
  await waitUntil(
    () => {
      const found = findHostProcesses(filter);
      for (const pid of found) {
        signalProcess(pid, 'SIGKILL');
        killed.add(pid);
      }
      return found.length === 0 && [...killed].every((pid) => !isProcessAlive(pid));
    },
    { timeoutMs, intervalMs: 20, description: `processes of ${filter.hostDir} to die` },
  );
  return [...killed];
}

/** SIGKILLs the processes found once (no second round: a supervisor may restart them, as after a crash). */
export async function killHostProcessesOnce(filter: HostProcessFilter): Promise<number[]> {
  const found = findHostProcesses(filter);
  for (const pid of found) signalProcess(pid, 'SIGKILL');
  await waitUntil(() => found.every((pid) => !isProcessAlive(pid)), {
    timeoutMs: 5000,
    description: `SRS processes of ${filter.hostDir} to die`,
  });
  return found;
}
