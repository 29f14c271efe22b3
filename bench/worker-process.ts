/**
 * A worker process for the fleet benchmark: what `srs-chatops worker` (src/app/run-worker.ts) wires, plus a record of when
 * each SSH command line was sent (the SshHost `onCommand` hook), handed to the parent on request over IPC.
 *
 * Env: SRS_CHATOPS_CONFIG, REDIS_URL, WORKER_ID (as the real worker). Started by bench/fleet-bench.ts.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../config/load-config';
import { createAuditStore } from '../src/adapters/audit/create-audit-store';
import { createLogger } from '../src/adapters/logger';
import { producerConnection, whenReady, workerConnection } from '../src/adapters/redis/redis-connection';
import { RedisJobEvents } from '../src/adapters/redis/redis-job-events';
import { createSshHost } from '../src/adapters/ssh/create-ssh-host';
import { startWorker } from '../src/app/start-worker';
import { assertHostsPinned } from '../src/adapters/ssh/pinned-hosts';

/** Messages to the parent. */
export type WorkerToParent =
  { type: 'ready'; pid: number } | { type: 'commands'; commands: Array<[string, number]> } | { type: 'loop'; p99Ms: number; maxMs: number };
/** Messages from the parent (`loop`: the event-loop delay since the last `loop`, then reset). */
export type ParentToWorker = { type: 'flush' } | { type: 'loop' };

const MAX_RECORDED = 200_000;

async function main(): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const send = (m: WorkerToParent): void => {
    process.send?.(m);
  };
  const logger = createLogger('worker');
  const config = loadConfig(process.env);
  assertHostsPinned(config);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = workerConnection(redisUrl);
  let commands: Array<[string, number]> = [];
  const hosts = createSshHost(config, logger, (host) => {
    if (commands.length < MAX_RECORDED) commands.push([host, Date.now()]);
  });
  const workerId = process.env.WORKER_ID ?? `bench-${process.pid}`;
  // As src/app/run-worker.ts: the audit store on its own fail-fast connection.
  const auditRedis = producerConnection(redisUrl);
  await whenReady(auditRedis, 5000);
  const audit = createAuditStore(auditRedis, config);
  const { worker, close } = startWorker({ redis, config, hosts, events: new RedisJobEvents(redis), logger, workerId, audit });
  await worker.waitUntilReady();
  logger.info({ workerId, hosts: config.hosts.length, concurrency: config.worker.concurrency }, 'bench worker started');

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Bounded: a job stuck on a host must not keep this process alive.
    setTimeout(() => process.exit(0), 5000);
    await close();
    auditRedis.disconnect();
    await hosts.close();
    redis.disconnect();
    process.exit(0);
  };
  process.on('message', (m: ParentToWorker) => {
    if (m.type === 'flush') {
      const out = commands;
      commands = [];
      send({ type: 'commands', commands: out });
    }
    if (m.type === 'loop') {
      send({ type: 'loop', p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 });
      loop.reset();
    }
  });
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  // The parent went away (crashed): do not linger holding SSH connections.
  process.once('disconnect', () => void stop());
  send({ type: 'ready', pid: process.pid });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
