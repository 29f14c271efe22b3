import { loadConfigWithSource } from '../../config/load-config';
import { createLogger } from '../adapters/logger';
import { createSlackApp } from '../adapters/slack/create-slack-app';
import { SlackChat } from '../adapters/slack/slack-chat';
import { ChatopsError, ErrorCode } from '../core/errors';
import { startBotRuntime } from './bot-runtime';
import { producerConnection } from '../adapters/redis/redis-connection';
import { redisSeenSignatures } from '../adapters/redis/redis-seen-signatures';
import { PromMetrics } from '../adapters/metrics/prom-metrics';
import { meteredChat } from '../adapters/slack/metered-chat';
import { countRateLimits } from '../adapters/slack/count-rate-limits';
import { queueDepthReader } from '../adapters/bullmq/queue-depth';
import { liveWorkers } from '../adapters/redis/worker-heartbeat';
import { liveWorkersCheck, redisPingCheck } from '../adapters/redis/readiness-checks';
import { readOpsEnv, readOpsPublicUrl } from './ops/read-ops-env';
import { redisOutputStore } from '../adapters/redis/redis-output-store';
import { startOpsEndpoints } from './ops/start-ops-endpoints';
import { untilSignal } from './until-signal';
import { FallbackRateGate } from '../adapters/pacing/fallback-rate-gate';
import { RedisRateGate } from '../adapters/redis/redis-rate-gate';
import { RedisLease } from '../adapters/redis/redis-lease';
import { methodKey } from '../adapters/paced-chat';

/** `srs-chatops bot`: the Slack app, HTTP mode (PORT, POST /slack/events) or Socket Mode (SLACK_APP_TOKEN). */
export async function runBot(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createLogger('bot', env);
  const { botToken, signingSecret } = slackCredentials(env);
  const { config, source } = loadConfigWithSource(env);
  const ops = readOpsEnv(env, 'bot');
  const opsPublicUrl = readOpsPublicUrl(env);
  const port = Number(env.PORT ?? 3000);
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const guardRedis = producerConnection(redisUrl);
  guardRedis.on('error', () => undefined);
  const seenSignature = redisSeenSignatures(guardRedis);
  // Shared by the replicas (docs/replicas.md): Slack pacing, and the lease that makes one of them the sweeper.
  const gate = new FallbackRateGate(new RedisRateGate(guardRedis), logger);
  const lease = { port: new RedisLease(guardRedis), ttlMs: leaseTtlMs(env) };
  // Metrics, readiness and the dashboard read Redis on their own fail-fast connection.
  const opsRedis = producerConnection(redisUrl);
  opsRedis.on('error', () => undefined);
  const depth = queueDepthReader(opsRedis);
  const metrics = new PromMetrics({
    component: 'bot',
    gauges: { queueDepth: depth.read, workersAlive: async () => (await liveWorkers(opsRedis)).length },
  });
  // The app is built before the runtime (which needs its client); handlers look the runtime up when called.
  const started: { runtime?: Awaited<ReturnType<typeof startBotRuntime>> } = {};
  const app = createSlackApp({
    botToken,
    signingSecret,
    ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    ...(env.SLACK_BOT_ID ? { botId: env.SLACK_BOT_ID } : {}),
    ...(env.SLACK_BOT_USER_ID ? { botUserId: env.SLACK_BOT_USER_ID } : {}),
    port,
    seenSignature,
    // Shared by the replicas: Slack redelivers an unacked press (Socket Mode) to whichever connection is open.
    seenPress: (key) => seenSignature(`press:${key}`),
    onCommand: (input) => (started.runtime ? started.runtime.onCommand(input) : Promise.reject(new Error('not started'))),
    onAction: (input) => (started.runtime ? started.runtime.onAction(input) : Promise.reject(new Error('not started'))),
    logger,
  });
  countRateLimits(app.client, metrics, (method, retrySec) => void gate.hold([methodKey(method)], retrySec * 1000));
  // First the ops port: when it cannot be served, nothing else has started and the process exits with the reason.
  const opsServer = await startOpsEndpoints({
    ops,
    metrics,
    checks: [redisPingCheck(opsRedis), liveWorkersCheck(opsRedis)],
    logger,
    redis: opsRedis,
    outputs: redisOutputStore(opsRedis),
  }).catch(async (err: unknown) => {
    await depth.close().catch(() => undefined);
    opsRedis.disconnect();
    guardRedis.disconnect();
    throw err;
  });
  const runtime = await startBotRuntime({
    config,
    source,
    // The inventory reloads on SIGHUP and, unless SRS_CHATOPS_WATCH=off, when the config or inventory file changes.
    reload: { env, watch: env.SRS_CHATOPS_WATCH !== 'off' },
    chat: meteredChat(new SlackChat(app.client), metrics),
    redisUrl,
    logger,
    metrics,
    gate,
    lease,
    ...(opsPublicUrl !== undefined ? { opsPublicUrl } : {}),
  });
  started.runtime = runtime;
  await app.start(port);
  logger.info({ mode: env.SLACK_APP_TOKEN ? 'socket' : 'http', port, metricsPort: opsServer?.port ?? 'off' }, 'bot started');
  await untilSignal();
  await app.stop();
  await runtime.close();
  await opsServer?.close();
  await depth.close();
  opsRedis.disconnect();
  guardRedis.disconnect();
}

/** The Slack credentials the bot needs: a bot token, and an app token (Socket Mode) or a signing secret (HTTP mode). */
function slackCredentials(env: NodeJS.ProcessEnv): { botToken: string; signingSecret: string } {
  const botToken = env.SLACK_BOT_TOKEN;
  // Socket Mode (SLACK_APP_TOKEN) needs no signing secret: the connection itself is authenticated.
  const signingSecret = env.SLACK_SIGNING_SECRET ?? '';
  if (!botToken || (!signingSecret && !env.SLACK_APP_TOKEN)) {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      'SLACK_BOT_TOKEN and either SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) must be set for the Slack bot (see README: Slack app setup). Without Slack, run `srs-chatops console`.',
    );
  }
  return { botToken, signingSecret };
}

/** `SRS_CHATOPS_LEASE_TTL_MS`: how soon another replica takes over the sweeper when its holder dies. @defaultValue 15000 */
function leaseTtlMs(env: NodeJS.ProcessEnv): number {
  const raw = env.SRS_CHATOPS_LEASE_TTL_MS;
  if (raw === undefined || raw === '') return 15_000;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 300) {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `SRS_CHATOPS_LEASE_TTL_MS must be a whole number of ms, at least 300 (got ${JSON.stringify(raw)})`,
    );
  }
  return ms;
}
