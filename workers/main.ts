import { hostname } from 'node:os';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../src/adapters/logger';
import { logConnectionHealth, producerConnection, whenReady, workerConnection } from '../src/adapters/redis/redis-connection';
import { createAuditStore } from '../src/adapters/audit/create-audit-store';
import { RedisJobEvents } from '../src/adapters/redis/redis-job-events';
import { startJobWorker } from './job-worker';
import { createSshHost } from './create-ssh-host';
import { assertHostsPinned } from './ssh/pinned-hosts';

/** `srs-chatops worker`: runs verb jobs from REDIS_URL until SIGTERM/SIGINT, then finishes active jobs and exits. */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createLogger('worker', env);
  const config = loadConfig(env);
  assertHostsPinned(config);
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = workerConnection(redisUrl);
  logConnectionHealth(redis, logger, 'worker');
  const hosts = createSshHost(config, logger);
  const workerId = env.WORKER_ID ?? `${hostname()}-${process.pid}`;
  // Audit writes fail fast (no offline queue): a job must not wait forever on a record it cannot write.
  const auditRedis = producerConnection(redisUrl);
  logConnectionHealth(auditRedis, logger, 'audit');
  await whenReady(auditRedis, 5000);
  const audit = createAuditStore(auditRedis, config);
  const { close } = startJobWorker({ redis, config, hosts, events: new RedisJobEvents(redis), logger, workerId, audit });
  await audit.append({ type: 'process.started', actor: `worker:${workerId}`, data: { kind: 'worker', hosts: config.hosts.length, concurrency: config.worker.concurrency } }).catch(() => logger.error('audit: worker start not recorded'));
  logger.info({ workerId, hosts: config.hosts.length, concurrency: config.worker.concurrency }, 'worker started');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'worker stopping: finishing active jobs');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await close();
  await audit.append({ type: 'process.stopped', actor: `worker:${workerId}`, data: { kind: 'worker' } }).catch(() => logger.error('audit: worker stop not recorded'));
  auditRedis.disconnect();
  await hosts.close();
  redis.disconnect();
  logger.info('worker stopped');
}
