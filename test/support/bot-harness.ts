import type { App } from '@slack/bolt';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';
import { connectRedis } from '../../src/adapters/redis/redis-connection';
import type { AuditQuery, AuditRecord } from '../../src/ports/audit-port';
import { parseConfig } from '../../config/load-config';
import type { Config } from '../../config/schema';
import { createLogger } from '../../src/adapters/logger';
import { createSlackApp } from '../../src/adapters/slack/create-slack-app';
import { SlackChat } from '../../src/adapters/slack/slack-chat';
import { startBotRuntime, type BotRuntime } from '../../src/app/bot-runtime';
import type { FleetConfigOptions, FleetHost } from './fleet';
import { allocatePorts } from './free-port';
import { startWorkers } from './queue-harness';
import { startChatTransport, type ChatTransport, type TransportKind } from './slack/chat-transport';
import type { BlockActionsInput, SignedResponse } from './slack/sign-request';
import { startSlackStandin, type SlackStandin } from './slack/slack-standin';
import type { SlackMessage } from './slack/standin-types';
import { getTestRun } from './test-run';
import { workerHarness, type WorkerHarness } from './worker-harness';

export const SECRET = 'test-signing-secret';
export const USERS = { admin: 'U0ADMIN01', operator: 'U0OPER001', viewer: 'U0VIEW001', stranger: 'U0STRANGE' } as const;
export const CHANNEL = 'C0OPS0001';
export const OTHER_CHANNEL = 'C0RANDOM1';

/**
 * The whole chat path on real parts: Slack stand-in <- Bolt (HTTP signed, or Socket Mode) -> Redis -> worker -> sshd
 * -> SRS. Slash commands and presses answer the same way on both transports (the ack as a {@link SignedResponse}).
 */
export interface BotHarness {
  standin: SlackStandin;
  /** How Slack reaches the bot; `transport.socket` is the Socket Mode stand-in in `socket` mode. */
  transport: ChatTransport;
  app: App;
  runtime: BotRuntime;
  worker: WorkerHarness;
  config: Config;
  url: string;
  redisUrl: string;
  slash: (text: string, opts?: { user?: string; channel?: string; secret?: string; ts?: number }) => Promise<SignedResponse>;
  /** Presses a button of a message, as `user` (block_actions over the transport); `reason` fills the message's reason box. */
  press: (message: SlackMessage, actionId: string, user: string, opts?: { reason?: string }) => Promise<SignedResponse>;
  /** The block_actions payload {@link press} sends (to push it over the socket by hand, e.g. with its ack lost). */
  pressInput: (message: SlackMessage, actionId: string, user: string, opts?: { reason?: string }) => BlockActionsInput;
  /** {@link press} signed with the wrong secret (Slack would never send it): must be refused before any handler. HTTP only. */
  pressForged: (message: SlackMessage, actionId: string, user: string) => Promise<SignedResponse>;
  /** Stops the bot (Bolt app and runtime) and starts a new one on the same Redis, stand-in and port (or socket); workers go on. */
  restartBot: () => Promise<void>;
  /** Waits for the parent message of a request to show its final summary; returns it and its thread. */
  finished: (requestId: string, timeoutMs?: number) => Promise<{ parent: SlackMessage; replies: SlackMessage[] }>;
  /** Reads the audit log the bot and workers write (on its own connection, closed after). */
  audit: (query: AuditQuery) => Promise<AuditRecord[]>;
  close: () => Promise<void>;
}

/** Starts the harness over claimed fleet hosts, on its own Redis database. */
export async function startBotHarness(
  hosts: readonly FleetHost[],
  db: number,
  options: FleetConfigOptions = {},
  harness: { workers?: number; redisUrl?: string; expirySweepMs?: number; transport?: TransportKind } = {},
): Promise<BotHarness> {
  const redisUrl = harness.redisUrl ?? `${getTestRun().redisUrl}/${db}`;
  const fleet = getTestRun().fleet;
  const doc = fleet.toConfigObject({
    hostNames: hosts.map((h) => h.name),
    ...options,
    extra: {
      worker: { concurrency: 20, startSettleMs: 1500 },
      slack: { allowedChannels: [CHANNEL], roles: { admin: [USERS.admin], operator: [USERS.operator], viewer: [USERS.viewer] } },
      ...(options.extra ?? {}),
    },
  });
  const config = parseConfig(doc, 'bot harness');
  const worker = workerHarness(hosts, options);
  const standin = await startSlackStandin();
  const [port] = (await allocatePorts(1)) as [number];
  const url = `http://127.0.0.1:${port}/slack/events`;
  const transport = await startChatTransport(harness.transport ?? 'http', { standin, url, secret: SECRET });
  const logger = createLogger('test');
  const started: { runtime?: BotRuntime } = {};
  const newApp = () =>
    createSlackApp({
      botToken: standin.token,
      signingSecret: SECRET,
      ...(transport.appToken !== undefined ? { appToken: transport.appToken } : {}),
      port,
      slackApiUrl: standin.url,
      botId: standin.identity.botId,
      botUserId: standin.identity.botUserId,
      retries: 0,
      onCommand: (input) => (started.runtime ? started.runtime.onCommand(input) : Promise.reject(new Error('not started'))),
      onAction: (input) => (started.runtime ? started.runtime.onAction(input) : Promise.reject(new Error('not started'))),
      logger,
    });
  let app = newApp();
  const newRuntime = () =>
    startBotRuntime({
      config,
      chat: new SlackChat(app.client),
      redisUrl,
      logger,
      consumer: `test-${db}`,
      expirySweepMs: harness.expirySweepMs ?? 500,
    });
  let runtime = await newRuntime();
  started.runtime = runtime;
  const workers = startWorkers(worker, redisUrl, harness.workers ?? 1);
  await app.start(port);
  await transport.started();
  const pressInput = (message: SlackMessage, actionId: string, user: string, opts: { reason?: string } = {}): BlockActionsInput => {
    const button = findButton(message, actionId);
    const state =
      opts.reason === undefined ? {} : { state: { values: { srs_reason: { reason: { type: 'plain_text_input', value: opts.reason } } } } };
    return {
      user: { id: user },
      channel: { id: CHANNEL },
      message: { ts: message.ts, ...(message.thread_ts !== undefined ? { thread_ts: message.thread_ts } : {}) },
      actions: [{ action_id: actionId, value: button.value }],
      response_url: standin.responseUrl(`a${Date.now()}`, { channel: CHANNEL, user }),
      extra: state,
    };
  };
  return {
    standin,
    transport,
    get app() {
      return app;
    },
    get runtime() {
      return runtime;
    },
    worker,
    config,
    url,
    redisUrl,
    slash: (text, o = {}) =>
      transport.slash(
        { text, user_id: o.user ?? USERS.operator, channel_id: o.channel ?? CHANNEL, response_url: standin.responseUrl(`r${Date.now()}`) },
        { ...(o.secret !== undefined ? { secret: o.secret } : {}), ...(o.ts !== undefined ? { ts: o.ts } : {}) },
      ),
    pressInput,
    press: (message, actionId, user, opts) => transport.interact(pressInput(message, actionId, user, opts)),
    pressForged: (message, actionId, user) => {
      const button = findButton(message, actionId);
      const input = {
        user: { id: user },
        channel: { id: CHANNEL },
        message: { ts: message.ts },
        actions: [{ action_id: actionId, value: button.value }],
        response_url: standin.responseUrl(`f${Date.now()}`),
      };
      return transport.interact(input, { secret: 'not-the-signing-secret' });
    },
    restartBot: async () => {
      await app.stop();
      await transport.stopped();
      await runtime.close();
      started.runtime = undefined;
      app = newApp();
      runtime = await newRuntime();
      started.runtime = runtime;
      await app.start(port);
      await transport.started();
    },
    finished: (requestId, timeoutMs = 40000) =>
      standin.waitFor(
        (s) => {
          const parent = s.messages(CHANNEL).find((m) => m.text.includes(requestId));
          if (!parent || !parent.text.includes(': done')) return undefined;
          return { parent, replies: s.thread(CHANNEL, parent.ts) };
        },
        timeoutMs,
        `request ${requestId} finished`,
      ),
    audit: async (query) => {
      const conn = connectRedis(redisUrl, {}); // redis:// or redis+sentinel://
      try {
        return await new RedisAuditStore(conn).query(query);
      } finally {
        conn.disconnect();
      }
    },
    close: async () => {
      await app.stop();
      await transport.stopped();
      await transport.close();
      await workers.close();
      await runtime.close();
      await worker.close();
      await standin.close();
    },
  };
}

/** The request id the ack announced (`request r-...`). */
export function requestIdOf(ack: SignedResponse): string {
  const m = /request (r-[a-z0-9]+-[a-f0-9]+)/.exec(ack.body);
  if (!m?.[1]) throw new Error(`no request id in the ack: ${ack.body}`);
  return m[1];
}

/** The button with `actionId` in a message's blocks (throws when absent). */
export function findButton(message: SlackMessage, actionId: string): { value: string } {
  for (const block of (message.blocks ?? []) as Array<{ type?: string; elements?: Array<{ action_id?: string; value?: string }> }>) {
    if (block.type !== 'actions') continue;
    const el = block.elements?.find((e) => e.action_id === actionId);
    if (el?.value !== undefined) return { value: el.value };
  }
  throw new Error(`no button ${actionId} in message ${message.ts}: ${message.text}`);
}
