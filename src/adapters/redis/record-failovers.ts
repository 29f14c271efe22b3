import type { AuditPort } from '../../ports/audit-port';
import type { RedisFailover } from '../../ports/failover-log-port';
import type { Logger } from '../../ports/logger-port';
import { RedisFailoverLog } from './redis-failover-log';
import { workerConnection } from './redis-connection';
import { redisTarget } from './redis-target';
import { watchSentinels } from './sentinel-watch';

const TRIES = 20;
const PAUSE_MS = 500;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records one switch (once across processes) and audits it (`redis.failover`); retries while Redis settles. */
async function recordOnce(log: RedisFailoverLog, audit: AuditPort, actor: string, f: RedisFailover, logger: Logger): Promise<void> {
  let first: boolean | undefined; // kept across tries: a switch recorded and not yet audited is audited on the next
  for (let i = 1; i <= TRIES; i++) {
    try {
      first ??= await log.record(f);
      if (!first) return;
      logger.warn({ master: f.name, from: f.from, to: f.to }, 'redis failed over: Sentinel named a new primary');
      await audit.append({
        type: 'redis.failover',
        actor,
        data: { name: f.name, from: f.from, to: f.to, at: new Date(f.at).toISOString() },
      });
      return;
    } catch (err) {
      if (i === TRIES)
        logger.error({ err: err instanceof Error ? err.message : String(err), from: f.from, to: f.to }, 'redis failover not recorded');
      else await pause(PAUSE_MS);
    }
  }
}

/**
 * With a Sentinel REDIS_URL: watches the Sentinels for a switch of the primary and records each one once (Redis, audit
 * log), whichever process sees it first, on a connection of its own that queues commands while it reconnects (the
 * record goes to the new primary). Returns the log (for failoversBetween) and a stop function; undefined without Sentinel.
 */
export function recordFailovers(o: {
  url: string;
  audit: AuditPort;
  actor: string;
  logger: Logger;
}): { log: RedisFailoverLog; stop: () => void } | undefined {
  const target = redisTarget(o.url);
  if (target.kind !== 'sentinel') return undefined;
  const redis = workerConnection(o.url);
  redis.on('error', () => undefined); // the other connections log the outage
  const log = new RedisFailoverLog(redis);
  const unwatch = watchSentinels(target, (f) => log.track(recordOnce(log, o.audit, o.actor, f, o.logger)));
  return {
    log,
    stop: () => {
      unwatch();
      redis.disconnect();
    },
  };
}
