import { hostname } from 'node:os';
import { loadConfigWithSource } from '../../config/load-config';
import { describeSource } from '../../config/inventory/inventory-source';
import { inventoryDigest, shortDigest } from '../core/inventory/inventory-snapshot';
import { createLogger } from '../adapters/logger';
import { logConnectionHealth, producerConnection, whenReady, workerConnection } from '../adapters/redis/redis-connection';
import { createAuditStore } from '../adapters/audit/create-audit-store';
import { RedisJobEvents } from '../adapters/redis/redis-job-events';
import { PromMetrics } from '../adapters/metrics/prom-metrics';
import { meteredAudit } from '../adapters/metrics/metered-audit';
import { startWorkerHeartbeat } from '../adapters/redis/worker-heartbeat';
import { recordFailovers } from '../adapters/redis/record-failovers';
import { redisPingCheck } from '../adapters/redis/readiness-checks';
import { readOpsEnv } from './ops/read-ops-env';
import { startOpsEndpoints } from './ops/start-ops-endpoints';
import { startWorker } from './start-worker';
import { createSshHost } from '../adapters/ssh/create-ssh-host';
import { countFailedJobs, meteredEvents } from '../adapters/bullmq/metered-events';
import { meteredHosts } from '../adapters/metrics/metered-hosts';
import { assertHostsPinned } from '../adapters/ssh/pinned-hosts';
import type { Redis } from 'ioredis';
import type { Logger } from '../adapters/logger';
import type { AuditPort } from '../ports/audit-port';
import type { OpsEnv } from './ops/read-ops-env';
import { untilSignal } from './until-signal';

/** `srs-chatops worker`: runs verb jobs from REDIS_URL until SIGTERM/SIGINT, then finishes active jobs and exits. */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createLogger('worker', env);
  const { config, source } = loadConfigWithSource(env);
  const ops = readOpsEnv(env, 'worker');
  assertHostsPinned(config);
  const ssh = createSshHost(config, logger);
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = workerConnection(redisUrl);
  logConnectionHealth(redis, logger, 'worker');
  const metrics = new PromMetrics({ component: 'worker' });
  const workerId = env.WORKER_ID ?? `${hostname()}-${process.pid}`;
  // First the ops port: when it cannot be served, nothing else has started and the process exits with the reason.
  const started: { worker?: { isRunning: () => boolean } } = {};
  const opsRedis = producerConnection(redisUrl);
  opsRedis.on('error', () => undefined);
  const opsServer = await startWorkerOps({
    ops,
    metrics,
    logger,
    opsRedis,
    workerId,
    isRunning: () => started.worker?.isRunning() === true,
  }).catch((err: unknown) => {
    opsRedis.disconnect();
    redis.disconnect();
    throw err;
  });
  // Audit writes fail fast (no offline queue): a job must not wait forever on a record it cannot write.
  const auditRedis = producerConnection(redisUrl);
  logConnectionHealth(auditRedis, logger, 'audit');
  await whenReady(auditRedis, 5000);
  const audit = meteredAudit(createAuditStore(auditRedis, config), metrics);
  const hosts = meteredHosts(ssh, metrics);
  const { worker, close } = startWorker({
    redis,
    config,
    hosts,
    events: meteredEvents(new RedisJobEvents(redis), metrics),
    logger,
    workerId,
    audit,
  });
  // A job that failed for good is answered by every worker (job_failed); only the one that ran it counts it.
  countFailedJobs(worker, metrics);
  started.worker = worker;
  const heartbeat = startWorkerHeartbeat(auditRedis, workerId);
  const failovers = recordFailovers({ url: redisUrl, audit, actor: `worker:${workerId}`, logger }); // Sentinel only
  const counts = { hosts: config.hosts.length, concurrency: config.worker.concurrency };
  await recordProcess(audit, logger, workerId, 'process.started', counts);
  // Jobs carry their host entry from the bot: this worker's own file only serves jobs queued by an older bot.
  const inventory = { inventory: describeSource(source), inventoryDigest: shortDigest(inventoryDigest(config)) };
  logger.info({ workerId, ...counts, ...inventory, metricsPort: opsServer?.port ?? 'off' }, 'worker started');
  logger.info({ signal: await untilSignal() }, 'worker stopping: finishing active jobs');
  await heartbeat.stop();
  failovers?.stop();
  await close();
  await opsServer?.close();
  opsRedis.disconnect();
  await recordProcess(audit, logger, workerId, 'process.stopped', {});
  auditRedis.disconnect();
  await ssh.close();
  redis.disconnect();
  logger.info('worker stopped');
}

/** The worker's ops port: metrics, and readiness = Redis answers and this worker is taking jobs. */
function startWorkerOps(o: {
  ops: OpsEnv;
  metrics: PromMetrics;
  logger: Logger;
  opsRedis: Redis;
  workerId: string;
  isRunning: () => boolean;
}): ReturnType<typeof startOpsEndpoints> {
  const taking = {
    name: 'worker',
    run: () =>
      o.isRunning() ? Promise.resolve(`${o.workerId} taking jobs`) : Promise.reject(new Error(`${o.workerId} is not taking jobs`)),
  };
  return startOpsEndpoints({ ops: o.ops, metrics: o.metrics, checks: [redisPingCheck(o.opsRedis), taking], logger: o.logger });
}

/** The worker's start or stop on the audit log; a write that fails is logged, and the worker goes on. */
async function recordProcess(
  audit: AuditPort,
  logger: Logger,
  workerId: string,
  type: 'process.started' | 'process.stopped',
  data: Record<string, number>,
): Promise<void> {
  await audit
    .append({ type, actor: `worker:${workerId}`, data: { kind: 'worker', ...data } })
    .catch(() => logger.error(`audit: worker ${type === 'process.started' ? 'start' : 'stop'} not recorded`));
}
