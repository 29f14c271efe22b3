import { describeClients } from './text/plural';
import type { HostSnapshot, PortHolder } from './verb-result';

/** `3s`, `4m 10s`, `2h 5m`, `3d 4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/**
 * One line describing a host's state, e.g. `running (pid 42), SRS 6.0.184, up 3m 2s, 3 players and 1 publisher`, followed
 * by the media/API ports another program holds, if any.
 */
export function describeSnapshot(s: HostSnapshot): string {
  const holders = describePortHolders(s.portHolders ?? []);
  return holders === '' ? describeState(s) : `${describeState(s)}; ${holders}`;
}

function describeState(s: HostSnapshot): string {
  switch (s.state) {
    case 'stopped':
      return 'stopped (no pid file)';
    case 'stale_pid':
      return `stopped (stale pid file: process ${s.pid ?? '?'} is gone)`;
    case 'zombie':
    case 'foreign_pid':
      return `stopped (${describePidFileBlocker(s)})`;
    case 'unknown':
      return s.notAsked === true ? 'not read (the job did not run on the host)' : 'unknown (host not reachable)';
    case 'running': {
      const parts = [`running (pid ${s.pid ?? '?'})`];
      if (!s.apiUp) {
        parts.push('API not answering');
        return parts.join(', ');
      }
      if (s.version !== undefined) parts.push(`SRS ${s.version}`);
      if (s.uptimeSeconds !== undefined) parts.push(`up ${formatDuration(s.uptimeSeconds)}`);
      if (s.clients !== undefined) parts.push(describeClients(s.clients, s.publishers));
      return parts.join(', ');
    }
  }
}

/**
 * Why SRS's init.d will not start while the pid file names this process: a zombie (exited, its parent has not reaped
 * it) or a live program that is not SRS (recycled pid). Undefined for the other states.
 */
export function describePidFileBlocker(s: HostSnapshot): string | undefined {
  const pid = s.pid ?? '?';
  const initd = "SRS's init.d counts it as running and refuses to start";
  if (s.state === 'zombie') {
    const parent = s.zombieParent
      ? `its parent, ${processRef(s.zombieParent.pid, s.zombieParent.command)}, has not reaped it`
      : 'its parent has not reaped it';
    return `pid ${pid} exited but is a zombie: ${parent}; ${initd}`;
  }
  if (s.state === 'foreign_pid') {
    return `stale pid file: pid ${pid} is now ${s.pidCommand !== undefined && s.pidCommand !== '' ? `\`${shortCommand(s.pidCommand)}\`` : 'another program'}, not SRS; ${initd}`;
  }
  return undefined;
}

/**
 * `port 1935 is held by nc (pid 1234)`, `ports 1935, 8080 are held by ...`; one clause per holder; '' for none.
 * `now`: `is now held by` (after SRS let go of them).
 */
export function describePortHolders(holders: readonly PortHolder[], now = false): string {
  const byHolder = new Map<string, number[]>();
  for (const h of holders) {
    const who = h.pid !== undefined ? `${h.command ?? '?'} (pid ${h.pid})` : 'a process the SSH user cannot see';
    byHolder.set(who, [...(byHolder.get(who) ?? []), h.port]);
  }
  return [...byHolder]
    .map(([who, all]) => {
      const ports = [...new Set(all)];
      return `${ports.length === 1 ? 'port' : 'ports'} ${ports.join(', ')} ${ports.length === 1 ? 'is' : 'are'}${now ? ' now' : ''} held by ${who}`;
    })
    .join('; ');
}

/** `pid 1 (`/sbin/init`)`. */
function processRef(pid: number, command: string | undefined): string {
  return command !== undefined && command.trim() !== '' ? `pid ${pid} (\`${shortCommand(command)}\`)` : `pid ${pid}`;
}

/** A command line on one short line, without backticks (it is shown as code). */
export function shortCommand(command: string, max = 80): string {
  const one = command.replace(/`/g, "'").replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** True when SRS is not running, whatever the pid file says (a zombie has exited: only its parent has not reaped it). */
export function isDown(s: HostSnapshot): boolean {
  return s.state === 'stopped' || s.state === 'stale_pid' || s.state === 'foreign_pid' || s.state === 'zombie';
}
