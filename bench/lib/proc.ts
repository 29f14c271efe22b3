import { readdirSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Memory of a process from /proc/PID/status, in KiB; undefined when the process is gone. */
export function memoryKb(pid: number): { rssKb: number; hwmKb: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text)?.[1] ?? 'NaN');
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** User + system CPU time of a process in ms (from /proc/PID/stat; clock ticks of 10 ms); NaN when gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return (utime + stime) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's VmRSS every `intervalMs` until stopped; keeps the maximum seen and the last VmHWM. */
export class RssSampler {
  maxRssKb = 0;
  hwmKb = 0;
  samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 20,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  sample(): void {
    const m = memoryKb(this.pid);
    if (!m) return;
    this.samples += 1;
    if (m.rssKb > this.maxRssKb) this.maxRssKb = m.rssKb;
    if (m.hwmKb > this.hwmKb) this.hwmKb = m.hwmKb;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

/** Established TCP connections owned by `pid` whose peer port is in `ports` (via `ss -tnp`). */
export function establishedTo(pid: number, ports: ReadonlySet<number>): number {
  let out: string;
  try {
    out = execFileSync('ss', ['-Htnp', 'state', 'established'], { encoding: 'utf8', timeout: 10_000, maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return Number.NaN;
  }
  let n = 0;
  for (const line of out.split('\n')) {
    if (!line.includes(`pid=${pid},`)) continue;
    // Recv-Q Send-Q Local:Port Peer:Port Process
    const peer = line.trim().split(/\s+/)[3] ?? '';
    const port = Number(peer.slice(peer.lastIndexOf(':') + 1));
    if (ports.has(port)) n += 1;
  }
  return n;
}

/** Busy CPU time of the whole machine so far, in ms (all cores: user+nice+system+irq+softirq+steal from /proc/stat). */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
    return busy * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time used by processes of other users (the machine may be shared with other sessions' tests and
 * benchmarks; the bench and its whole fleet run as one user). Sampled every `intervalMs`; {@link foreignMs} gives
 * the total so far, so a run's share is the difference of two readings.
 */
export class ForeignCpuMonitor {
  private readonly last = new Map<number, number>();
  private total = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly uid = typeof process.getuid === 'function' ? process.getuid() : -1;

  constructor(intervalMs = 500) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Foreign CPU ms up to now (takes a fresh sample). */
  foreignMs(): number {
    this.sample();
    return this.total;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
    } catch {
      return;
    }
    const seen = new Set<number>();
    for (const d of pids) {
      const pid = Number(d);
      try {
        if (statSync(`/proc/${d}`).uid === this.uid) continue;
        const ms = cpuMs(pid);
        if (!Number.isFinite(ms)) continue;
        seen.add(pid);
        const prev = this.last.get(pid);
        // A process first seen counts from 0 only if it is young; otherwise from this sample on.
        if (prev !== undefined) this.total += Math.max(0, ms - prev);
        this.last.set(pid, ms);
      } catch {
        // gone meanwhile
      }
    }
    for (const pid of [...this.last.keys()]) if (!seen.has(pid)) this.last.delete(pid);
  }
}

let shared: ForeignCpuMonitor | undefined;
/** The process-wide monitor (started on first use). */
export function foreignCpu(): ForeignCpuMonitor {
  shared ??= new ForeignCpuMonitor();
  return shared;
}
