import {
  blockActionsBody,
  type BlockActionsInput,
  postSigned,
  slashCommandBody,
  type SignedResponse,
  type SlashCommandFields,
} from './sign-request';
import type { SlackStandin } from './slack-standin';
import { startSocketModeStandin, type SocketModeStandin } from './socket-mode-standin';

/**
 * How Slack reaches the bot in a test: `http` (signed POSTs to Bolt's HTTP receiver, the answer is the HTTP
 * response) or `socket` (envelopes over the Socket Mode stand-in, the answer is the ack's payload). Either way a
 * slash command or a button press comes back as a {@link SignedResponse}, so chat-path cases run unchanged on both.
 */
export type TransportKind = 'http' | 'socket';

export const TRANSPORTS: readonly TransportKind[] = ['http', 'socket'];

/** Only HTTP carries a signature and a timestamp: asking for a forged one over Socket Mode is a test bug. */
export interface SendOptions {
  secret?: string;
  ts?: number;
}

export interface ChatTransport {
  readonly kind: TransportKind;
  /** The Socket Mode stand-in (socket only). */
  readonly socket: SocketModeStandin | undefined;
  /** What `createSlackApp` needs besides the bot token: the app token in Socket Mode. */
  readonly appToken: string | undefined;
  /** After `app.start()`: in Socket Mode, the connection is up. */
  started(): Promise<void>;
  /** After `app.stop()`: in Socket Mode, the connection is closed. */
  stopped(): Promise<void>;
  slash(fields: SlashCommandFields, o?: SendOptions): Promise<SignedResponse>;
  interact(input: BlockActionsInput, o?: SendOptions): Promise<SignedResponse>;
  close(): Promise<void>;
}

/** A Socket Mode ack as an HTTP answer: 200, the payload as the body (empty for a bare `ack()`, as Bolt's HTTP receiver). */
function ackAsResponse(payload: unknown, ms: number): SignedResponse {
  const empty = typeof payload === 'object' && payload !== null && Object.keys(payload).length === 0;
  return { status: 200, body: empty ? '' : JSON.stringify(payload), headers: {}, ms };
}

function httpTransport(url: string, secret: string): ChatTransport {
  return {
    kind: 'http',
    socket: undefined,
    appToken: undefined,
    started: () => Promise.resolve(),
    stopped: () => Promise.resolve(),
    slash: (fields, o = {}) =>
      postSigned(url, slashCommandBody(fields), { secret: o.secret ?? secret, ...(o.ts !== undefined ? { ts: o.ts } : {}) }),
    interact: (input, o = {}) => postSigned(url, blockActionsBody(input), { secret: o.secret ?? secret }),
    close: () => Promise.resolve(),
  };
}

function socketTransport(standin: SlackStandin, socket: SocketModeStandin): ChatTransport {
  const noForgery = (o: SendOptions) => {
    if (o.secret !== undefined || o.ts !== undefined)
      throw new Error('Socket Mode carries no signature or timestamp: forge requests over HTTP');
  };
  const send = async (push: () => string): Promise<SignedResponse> => {
    await socket.waitForConnection(15000);
    const ack = await socket.waitForAck(push(), 15000);
    return ackAsResponse(ack.payload, ack.latencyMs);
  };
  return {
    kind: 'socket',
    socket,
    appToken: standin.appToken,
    started: () => socket.waitForConnection(15000),
    stopped: () => socket.waitForNoConnections(),
    slash: (fields, o = {}) => {
      noForgery(o);
      return send(() => socket.pushSlashCommand(fields));
    },
    interact: (input, o = {}) => {
      noForgery(o);
      return send(() => socket.pushBlockActions(input));
    },
    close: () => socket.close(),
  };
}

/** The transport of `kind` in front of the bot: `url` is Bolt's HTTP endpoint, `secret` its signing secret. */
export async function startChatTransport(
  kind: TransportKind,
  o: { standin: SlackStandin; url: string; secret: string },
): Promise<ChatTransport> {
  if (kind === 'http') return httpTransport(o.url, o.secret);
  return socketTransport(o.standin, await startSocketModeStandin({ slack: o.standin }));
}
