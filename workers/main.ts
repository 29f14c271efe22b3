import { hostname } from 'node:os';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../src/adapters/logger';
import { logConnectionHealth, workerConnection } from '../src/adapters/redis/redis-connection';
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
  const { close } = startJobWorker({ redis, config, hosts, events: new RedisJobEvents(redis), logger, workerId });
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
  await hosts.close();
  redis.disconnect();
  logger.info('worker stopped');
}
