import type { HostSnapshot } from './verb-result';

/** `3s`, `4m 10s`, `2h 5m`, `3d 4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** One line describing a host's state, e.g. `running (pid 42), SRS 6.0.184, up 3m 2s, 4 clients, 1 publisher`. */
export function describeSnapshot(s: HostSnapshot): string {
  switch (s.state) {
    case 'stopped':
      return 'stopped (no pid file)';
    case 'stale_pid':
      return `stopped (stale pid file: process ${s.pid ?? '?'} is gone)`;
    case 'zombie':
      return `stopped (pid ${s.pid ?? '?'} exited and is a zombie, not yet reaped by its parent)`;
    case 'foreign_pid':
      return `stopped (pid file names ${s.pid ?? '?'}, which is not SRS: recycled pid)`;
    case 'unknown':
      return 'unknown (host not reachable)';
    case 'running': {
      const parts = [`running (pid ${s.pid ?? '?'})`];
      if (!s.apiUp) {
        parts.push('API not answering');
        return parts.join(', ');
      }
      if (s.version !== undefined) parts.push(`SRS ${s.version}`);
      if (s.uptimeSeconds !== undefined) parts.push(`up ${formatDuration(s.uptimeSeconds)}`);
      if (s.clients !== undefined) parts.push(`${s.clients} client${s.clients === 1 ? '' : 's'}`);
      if (s.publishers !== undefined) parts.push(`${s.publishers} publisher${s.publishers === 1 ? '' : 's'}`);
      return parts.join(', ');
    }
  }
}

/** True when SRS is not running, whatever the pid file says (a zombie has exited: only its parent has not reaped it). */
export function isDown(s: HostSnapshot): boolean {
  return s.state === 'stopped' || s.state === 'stale_pid' || s.state === 'foreign_pid' || s.state === 'zombie';
}
