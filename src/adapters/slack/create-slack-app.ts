import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { ChatMessage } from '../../core/command';
import type { Logger } from '../logger';
import { guardRequests, memorySeenSignatures, type SeenSignature } from './request-guard';
import { boltLogger } from './bolt-logger';
import { REASON_INPUT } from '../../core/rollout/approval-actions';

/** A slash command as the bot's use cases see it. */
export interface SlashCommandInput {
  userId: string;
  channelId: string;
  text: string;
  /** Slack's id of this invocation: a redelivery carries the same one. */
  triggerId?: string;
}

/** What the command handler returns: the ephemeral answer, and work to run after the ack. */
export interface SlashCommandReply {
  ephemeral: ChatMessage;
  followUp?: () => Promise<void>;
}

/** A button press, as the use cases see it. */
export interface ButtonInput {
  actionId: string;
  value?: string;
  userId: string;
  channelId: string;
  messageTs?: string;
  /** What the message's reason box held when the button was pressed (approval cards). */
  reason?: string;
}

/** The text typed in a message's input block (`state.values[block][action].value`), if any. */
export function inputValue(body: unknown, blockId: string, actionId: string): string | undefined {
  const state = (body as { state?: { values?: Record<string, Record<string, { value?: unknown }>> } }).state;
  const value = state?.values?.[blockId]?.[actionId]?.value;
  return typeof value === 'string' ? value : undefined;
}

/** Options of {@link createSlackApp}. */
export interface SlackAppOptions {
  botToken: string;
  signingSecret: string;
  /** Socket Mode when set (`xapp-...`). */
  appToken?: string;
  /** HTTP port (HTTP mode). @defaultValue 3000 */
  port?: number;
  /** Web API base URL (a local stand-in, a proxy, an enterprise gateway), ending in `/api/`. */
  slackApiUrl?: string;
  /** Skip `auth.test` at start by giving the bot's ids. */
  botId?: string;
  botUserId?: string;
  /** Retries of Web API calls. @defaultValue WebClient's default (~30 min) */
  retries?: number;
  /** The slash command's name. @defaultValue `/srs` */
  command?: string;
  onCommand: (input: SlashCommandInput) => Promise<SlashCommandReply>;
  /** Replay protection across bot replicas (default: this process's memory). */
  seenSignature?: SeenSignature;
  /**
   * Button presses already handled, by Slack's `trigger_id` (default: this process's memory). Slack redelivers an
   * envelope whose ack it did not get (a Socket Mode reconnect); the redelivery is acked and dropped.
   */
  seenPress?: SeenSignature;
  /** Button presses on the bot's messages (action ids starting `srs_`). */
  onAction?: (input: ButtonInput) => Promise<{ ephemeral?: ChatMessage }>;
  logger: Logger;
}

/**
 * The Bolt app: transport only. Verifies signatures (Bolt), maps the slash command to the handler, acks with the
 * handler's ephemeral answer, then runs the follow-up. Business logic stays in the use cases.
 */
export function createSlackApp(o: SlackAppOptions): App {
  const clientOptions = {
    ...(o.slackApiUrl !== undefined ? { slackApiUrl: o.slackApiUrl } : {}),
    ...(o.retries !== undefined ? { retryConfig: { retries: o.retries } } : {}),
  };
  const ids = { ...(o.botId !== undefined ? { botId: o.botId } : {}), ...(o.botUserId !== undefined ? { botUserId: o.botUserId } : {}) };
  const logger = boltLogger(o.logger);
  const client = { ...clientOptions, logger };
  // Socket Mode: the receiver's own WebClient (apps.connections.open, with the app token) gets the same options
  // (slackApiUrl, retries) through installerOptions.clientOptions; Bolt 5.1 copies clientOptions there too.
  const app = o.appToken
    ? new App({
        token: o.botToken,
        appToken: o.appToken,
        socketMode: true,
        clientOptions: client,
        installerOptions: { clientOptions: client },
        logger,
        logLevel: LogLevel.WARN,
        ...ids,
      })
    : new App({ token: o.botToken, receiver: guardedReceiver(o, logger), clientOptions: client, logger, logLevel: LogLevel.WARN, ...ids });
  const seenPress = o.seenPress ?? memorySeenSignatures();

  app.command(o.command ?? '/srs', async ({ command, ack }) => {
    const reply = await o.onCommand({
      userId: command.user_id,
      channelId: command.channel_id,
      text: command.text,
      ...(command.trigger_id ? { triggerId: command.trigger_id } : {}),
    });
    await ack({
      response_type: 'ephemeral',
      text: reply.ephemeral.text,
      ...(reply.ephemeral.blocks ? { blocks: reply.ephemeral.blocks as never } : {}),
    });
    if (reply.followUp) {
      reply
        .followUp()
        .catch((err: unknown) => o.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'follow-up failed'));
    }
  });
  app.action(/^srs_/, async ({ ack, body, action, respond }) => {
    await ack();
    if (!o.onAction || body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    if (body.trigger_id && (await seenPress(`${body.trigger_id}:${action.action_id}`).catch(() => false))) {
      o.logger.info({ trigger: body.trigger_id, action: action.action_id }, 'redelivered button press ignored');
      return;
    }
    const container = body.container as { channel_id?: unknown } | undefined;
    const channelId = body.channel?.id ?? container?.channel_id;
    if (typeof channelId !== 'string') return;
    const reason = inputValue(body, REASON_INPUT.blockId, REASON_INPUT.actionId);
    const reply = await o.onAction({
      actionId: action.action_id,
      ...(action.value !== undefined ? { value: action.value } : {}),
      userId: body.user.id,
      channelId,
      ...(body.message?.ts !== undefined ? { messageTs: body.message.ts } : {}),
      ...(reason !== undefined ? { reason } : {}),
    });
    if (reply.ephemeral) await respond({ response_type: 'ephemeral', replace_original: false, text: reply.ephemeral.text });
  });
  app.error((err) => {
    o.logger.error({ err: err.message, code: err.code }, 'slack app error');
    return Promise.resolve();
  });
  return app;
}

/** Bolt's HTTP receiver (signature, staleness), plus refusal of far-future timestamps and replayed signatures. */
function guardedReceiver(o: SlackAppOptions, logger: ReturnType<typeof boltLogger>): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: o.signingSecret,
    endpoints: '/slack/events',
    unhandledRequestTimeoutMillis: 2900,
    processBeforeResponse: false,
    logger,
  });
  receiver.requestListener = guardRequests(receiver.requestListener, {
    seen: o.seenSignature ?? memorySeenSignatures(),
    onRefused: (reason) => o.logger.warn({ reason }, 'slack request refused'),
  });
  return receiver;
}
