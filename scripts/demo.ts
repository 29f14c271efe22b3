/**
 * `npm run demo`: the bot on a local demo fleet of 3 simulated SRS hosts behind real sshd, with its own Redis and a
 * worker. Console mode (like Hubot's shell) unless SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set, in which case
 * the Slack bot runs (HTTP mode, or Socket Mode with SLACK_APP_TOKEN). Everything lives under .demo/ and is stopped
 * on exit.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../config/load-config';
import { createLogger } from '../src/adapters/logger';
import { producerConnection, workerConnection } from '../src/adapters/redis/redis-connection';
import { createAuditStore } from '../src/adapters/audit/create-audit-store';
import { RedisJobEvents } from '../src/adapters/redis/redis-job-events';
import { runBot } from '../src/cli/run-bot';
import { runConsole } from '../src/cli/run-console';
import { createSshHost } from '../workers/create-ssh-host';
import { startJobWorker } from '../workers/job-worker';
import { ensurePackages } from '../test/support/ensure-packages';
import { requireSubreaper } from '../test/support/reaper/require-subreaper';
import { launchFleet } from '../test/support/fleet';
import { startRedis } from '../test/support/redis-server';
import { publishPackage } from '../test/srs-sim/install';

const DEMO_USER = 'U0DEMO001';
/** A second person, who may approve upgrades (`as U0DEMO002 press b2` in the console). */
const DEMO_APPROVER = 'U0DEMO002';
/** What the demo hosts' package repository offers: a good build, and one that does not start (a rollout halts on it). */
const DEMO_PACKAGES: ReadonlyArray<[string, 'no-start' | undefined]> = [
  ['6.0.185', undefined],
  ['6.0.186', 'no-start'],
];

async function main(): Promise<number> {
  const root = path.resolve(__dirname, '..', '.demo');
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  requireSubreaper();
  ensurePackages();
  process.stderr.write('demo: starting redis-server, 3 sshd hosts with simulated SRS, and a worker (logs in .demo/)...\n');
  const redis = await startRedis({ dir: path.join(root, 'redis'), appendOnly: true });
  const fleet = await launchFleet({
    dir: path.join(root, 'fleet'),
    hosts: ['edge-1', 'edge-2', 'edge-3'].map((name) => ({ name, groups: ['edges'], graceStartWaitMs: 2300, graceFinalWaitMs: 3200 })),
  });
  for (const h of fleet.hosts) for (const [version, broken] of DEMO_PACKAGES) publishPackage(h.hostDir, version, broken ? { broken } : {});
  const configPath = path.join(root, 'srs-chatops.yml');
  const extra = {
    slack: { roles: { admin: [DEMO_USER], operator: [DEMO_APPROVER] } },
    approvals: { approvers: { all: [DEMO_APPROVER, DEMO_USER] } },
    upgrade: { install: ['{root}/../bin/srs-install', '{version}', '--root', '{root}'], batchSize: 1, healthTimeoutMs: 15000, deadlineMs: 20000 },
  };
  const doc = fleet.toConfigObject({ extra });
  fs.writeFileSync(configPath, fleet.toConfigYaml({ extra }));
  const config = parseConfig(doc, configPath);
  const workerLog = createLogger('worker', { LOG_LEVEL: 'info' }, pino.destination(path.join(root, 'worker.log')));
  const redisConn = workerConnection(redis.url);
  const hosts = createSshHost(config, workerLog);
  const auditConn = producerConnection(redis.url);
  auditConn.on('error', () => undefined);
  const worker = startJobWorker({ redis: redisConn, config, hosts, events: new RedisJobEvents(redisConn), logger: workerLog, workerId: 'demo-worker', audit: createAuditStore(auditConn, config) });
  const env = { ...process.env, SRS_CHATOPS_CONFIG: configPath, REDIS_URL: redis.url, SRS_CHATOPS_CONSOLE_USER: DEMO_USER };
  let code = 0;
  try {
    if (process.env.SLACK_BOT_TOKEN && process.env.SLACK_SIGNING_SECRET) {
      process.stderr.write(`demo: Slack tokens found; running the Slack bot on port ${process.env.PORT ?? 3000} (Ctrl-C to stop)\n`);
      await runBot(env);
    } else {
      process.stderr.write(`demo: no Slack tokens set: console mode. Config: ${configPath}\n`);
      code = await runConsole([], env);
    }
  } finally {
    await worker.close();
    await hosts.close();
    redisConn.disconnect();
    auditConn.disconnect();
    await fleet.stop();
    await redis.stop();
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
