import { hostname } from 'node:os';
import { loadConfig } from '../../config/load-config';
import { createLogger } from '../adapters/logger';
import { logConnectionHealth, producerConnection, whenReady, workerConnection } from '../adapters/redis/redis-connection';
import { createAuditStore } from '../adapters/audit/create-audit-store';
import { RedisJobEvents } from '../adapters/redis/redis-job-events';
import { PromMetrics } from '../adapters/metrics/prom-metrics';
import { meteredAudit } from '../adapters/metrics/metered-audit';
import { startWorkerHeartbeat } from '../adapters/redis/worker-heartbeat';
import { redisPingCheck } from '../adapters/redis/readiness-checks';
import { readOpsEnv } from './ops/read-ops-env';
import { startOpsEndpoints } from './ops/start-ops-endpoints';
import { startJobWorker } from '../adapters/bullmq/worker/job-worker';
import { createSshHost } from '../adapters/ssh/create-ssh-host';
import { countFailedJobs, meteredEvents } from '../adapters/bullmq/metered-events';
import { meteredHosts } from '../adapters/metrics/metered-hosts';
import { assertHostsPinned } from '../adapters/ssh/pinned-hosts';

/** `srs-chatops worker`: runs verb jobs from REDIS_URL until SIGTERM/SIGINT, then finishes active jobs and exits. */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createLogger('worker', env);
  const config = loadConfig(env);
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
  const opsServer = await startOpsEndpoints({
    ops,
    metrics,
    checks: [
      redisPingCheck(opsRedis),
      {
        name: 'worker',
        run: () =>
          started.worker?.isRunning() === true
            ? Promise.resolve(`${workerId} taking jobs`)
            : Promise.reject(new Error(`${workerId} is not taking jobs`)),
      },
    ],
    logger,
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
  const { worker, close } = startJobWorker({
    redis,
    config,
    hosts: meteredHosts(ssh, metrics),
    events: meteredEvents(new RedisJobEvents(redis), metrics),
    logger,
    workerId,
    audit,
  });
  // A job that failed for good is answered by every worker (job_failed); only the one that ran it counts it.
  countFailedJobs(worker, metrics);
  started.worker = worker;
  const heartbeat = startWorkerHeartbeat(auditRedis, workerId);
  await audit
    .append({
      type: 'process.started',
      actor: `worker:${workerId}`,
      data: { kind: 'worker', hosts: config.hosts.length, concurrency: config.worker.concurrency },
    })
    .catch(() => logger.error('audit: worker start not recorded'));
  logger.info(
    { workerId, hosts: config.hosts.length, concurrency: config.worker.concurrency, metricsPort: opsServer?.port ?? 'off' },
    'worker started',
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'worker stopping: finishing active jobs');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await heartbeat.stop();
  await close();
  await opsServer?.close();
  opsRedis.disconnect();
  await audit
    .append({ type: 'process.stopped', actor: `worker:${workerId}`, data: { kind: 'worker' } })
    .catch(() => logger.error('audit: worker stop not recorded'));
  auditRedis.disconnect();
  await ssh.close();
  redis.disconnect();
  logger.info('worker stopped');
}
