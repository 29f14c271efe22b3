import { loadConfig } from '../../config/load-config';
import { createLogger } from '../adapters/logger';
import { createSlackApp } from '../adapters/slack/create-slack-app';
import { SlackChat } from '../adapters/slack/slack-chat';
import { ChatopsError, ErrorCode } from '../core/errors';
import { startBotRuntime } from './bot-runtime';
import { producerConnection } from '../adapters/redis/redis-connection';
import { redisSeenSignatures } from '../adapters/redis/redis-seen-signatures';

/** `srs-chatops bot`: the Slack app, HTTP mode (PORT, POST /slack/events) or Socket Mode (SLACK_APP_TOKEN). */
export async function runBot(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createLogger('bot', env);
  const botToken = env.SLACK_BOT_TOKEN;
  const signingSecret = env.SLACK_SIGNING_SECRET;
  if (!botToken || !signingSecret) {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set for the Slack bot (see README: Slack app setup). Without Slack, run `srs-chatops console`.',
    );
  }
  const config = loadConfig(env);
  const port = Number(env.PORT ?? 3000);
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const guardRedis = producerConnection(redisUrl);
  guardRedis.on('error', () => undefined);
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
    seenSignature: redisSeenSignatures(guardRedis),
    onCommand: (input) => (started.runtime ? started.runtime.onCommand(input) : Promise.reject(new Error('not started'))),
    onAction: (input) => (started.runtime ? started.runtime.onAction(input) : Promise.reject(new Error('not started'))),
    logger,
  });
  const runtime = await startBotRuntime({ config, chat: new SlackChat(app.client), redisUrl, logger });
  started.runtime = runtime;
  await app.start(port);
  logger.info({ mode: env.SLACK_APP_TOKEN ? 'socket' : 'http', port }, 'bot started');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await app.stop();
  await runtime.close();
  guardRedis.disconnect();
}
