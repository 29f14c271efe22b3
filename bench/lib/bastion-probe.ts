import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * A process's parent, its own CPU time and that of the children it reaped, ms; undefined when gone. Its own time is
 * the scheduler's runtime (/proc/PID/schedstat, ns): utime+stime in /proc/PID/stat, in 10 ms ticks, stays at 0-1 for
 * a live sshd connection process that has run ~10 ms here. Reaped children: cutime+cstime (ticks).
 */
function statOf(pid: number): { ppid: number; ownMs: number; childrenMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')': state is [0], ppid [1].
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const f = (i: number): number => Number(rest[i] ?? 'NaN');
    const runtimeNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    const ownMs = Number.isFinite(runtimeNs) ? runtimeNs / 1e6 : (f(11) + f(12)) * 10;
    return { ppid: f(1), ownMs, childrenMs: (f(13) + f(14)) * 10 };
  } catch {
    return undefined;
  }
}

/**
 * CPU used so far by a process and every process below it, ms: for each live process of the tree its own time plus
 * what it has reaped (Linux adds a reaped child's own and reaped time to its parent's cutime/cstime). For an sshd
 * listener: its open connections, and the closed ones as far as their processes were reaped inside the tree. A
 * closed connection's CPU came out far lower than while it was open (most likely sshd's monitor exits before its
 * session child, which is reparented to the bench's subreaper and leaves the tree): measure connections while open.
 */
export function treeCpuMs(rootPid: number): number {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = statOf(Number(d));
    if (s) parents.set(Number(d), s.ppid);
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops += 1) {
      if (p === rootPid) return true;
      p = parents.get(p) ?? 0;
    }
    return false;
  };
  let total = 0;
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    const s = statOf(pid);
    if (s) total += s.ownMs + s.childrenMs;
  }
  return Math.round(total);
}

/** Established TCP connections whose destination port is `port` (client ends: `ss -Htn state established '( dport = :P )'`). */
export function establishedToPort(port: number): Promise<number> {
  return new Promise((resolve) => {
    execFile('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { timeout: 10_000 }, (err, stdout) => {
      resolve(err ? Number.NaN : stdout.split('\n').filter((l) => l.trim() !== '').length);
    });
  });
}

/** Polls {@link establishedToPort} every `intervalMs` until stopped; keeps the maximum and the last count seen. */
export class ConnectionSampler {
  max = 0;
  last = 0;
  samples = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly port: number,
    private readonly intervalMs = 200,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.sample();
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }

  private async sample(): Promise<void> {
    const n = await establishedToPort(this.port);
    if (!Number.isFinite(n)) return;
    this.samples += 1;
    this.last = n;
    if (n > this.max) this.max = n;
  }

  /** Stops after one last sample; resolves with the maximum seen. */
  async stop(): Promise<number> {
    this.stopped = true;
    await this.loop;
    await this.sample();
    return this.max;
  }
}
