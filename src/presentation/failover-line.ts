import type { RedisFailover } from '../ports/failover-log-port';

const clock = (at: number): string => new Date(at).toISOString().slice(11, 19);

/**
 * The line a request's thread gets when Redis failed over while it ran: when, and from which primary to which.
 * `complete`: every host answered exactly once (the caller knows), said so; otherwise only the fact.
 */
export function renderFailoverLine(failovers: readonly RedisFailover[], complete: boolean): string {
  if (failovers.length === 0) return '';
  const each = failovers.map((f) => `at ${clock(f.at)} UTC (${f.from} → ${f.to})`);
  const what =
    failovers.length === 1 ? `Redis failed over ${each[0] ?? ''}` : `Redis failed over ${failovers.length} times: ${each.join(', ')}`;
  return complete
    ? `:arrows_counterclockwise: ${what} while this ran; every host answered once.`
    : `:arrows_counterclockwise: ${what} while this ran.`;
}
