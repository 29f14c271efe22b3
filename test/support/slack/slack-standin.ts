import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_PATH, handleApiRequest } from './api-endpoint';
import { registerChatMethods } from './chat-methods';
import { FaultInjector } from './fault-injector';
import { sendJson, sendText } from './http-util';
import { MethodRegistry } from './method-registry';
import { renderChannel, renderDump, renderThread } from './render-thread';
import { readBody } from './request-body';
import { RESPONSE_PATH, ResponseUrls } from './response-urls';
import type {
  DownMode,
  EphemeralMessage,
  Fault,
  MethodHandler,
  OpenedView,
  RecordedCall,
  RejectionCounters,
  ResponseUrlContext,
  ResponseUrlPost,
  SlackChannel,
  SlackMessage,
  SlackUser,
  StandinBehaviour,
  StandinIdentity,
  TokenKind,
} from './standin-types';
import { type NotYet, pollUntil } from './wait-for';
import { type ChannelSeed, type UserSeed, WorkspaceModel } from './workspace-model';
import { registerWorkspaceMethods } from './workspace-methods';

export interface SlackStandinOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Bot token accepted as `Authorization: Bearer` (default 'xoxb-standin-token'). */
  token?: string;
  /** App-level token accepted by app-token methods such as apps.connections.open (default 'xapp-1-standin-token'). */
  appToken?: string;
  identity?: Partial<StandinIdentity>;
  channels?: ChannelSeed[];
  users?: UserSeed[];
  behaviour?: Partial<StandinBehaviour>;
  /** Calls allowed per window (default window: one minute) per method, e.g. `{ 'chat.update': 50 }`. Off by default. */
  rateLimit?: Record<string, number>;
  rateLimitWindowMs?: number;
  /** First message ts is `<tsBaseSeconds>.000100` (default 1700000000). */
  tsBaseSeconds?: number;
  /** Scopes granted to the bot token, answered in `x-oauth-scopes` (default {@link DEFAULT_SCOPES}). */
  scopes?: readonly string[];
}

/** What the app manifest asks for: the bot token's scopes unless a test grants others. */
export const DEFAULT_SCOPES: readonly string[] = ['commands', 'chat:write'];

export const DEFAULT_IDENTITY: StandinIdentity = {
  teamId: 'T0STANDIN',
  teamName: 'Stand-in Workspace',
  teamDomain: 'standin',
  botUserId: 'U0BOTUSER',
  botId: 'B0BOTID',
  appId: 'A0APPID',
  botName: 'srs-chatops',
};

export const DEFAULT_BEHAVIOUR: StandinBehaviour = {
  strictChannels: false,
  strictUsers: false,
  validateBlocks: true,
  updateWithoutBlocks: 'retain',
  unknownThread: 'error',
  responseUrlMaxPosts: 5,
};

/** A local Slack Web API (`POST /api/<method>`) plus response_url endpoints, with a model of what users see. */
export interface SlackStandin {
  /** Base for `slackApiUrl`: `http://127.0.0.1:PORT/api/`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly appToken: string;
  readonly identity: StandinIdentity;
  readonly behaviour: StandinBehaviour;
  /** Every call, accepted or refused, in arrival order. */
  readonly calls: readonly RecordedCall[];
  /** Calls of one method (accepted or refused). */
  callsTo(method: string): RecordedCall[];
  /** Visible top-level messages (and broadcast replies) of a channel, oldest first. */
  messages(channel: string): SlackMessage[];
  /** Visible replies of a thread, oldest first (parent not included). */
  thread(channel: string, ts: string): SlackMessage[];
  /** Any message of the channel by ts, deleted ones included (check `deleted`). */
  message(channel: string, ts: string): SlackMessage | undefined;
  /** Visible ephemerals, for one user or all. */
  ephemerals(userId?: string): EphemeralMessage[];
  readonly responses: readonly ResponseUrlPost[];
  readonly views: readonly OpenedView[];
  /** Mints `http://127.0.0.1:PORT/response/<id>`; with a context, posts to it land in the model. */
  responseUrl(id: string, context?: ResponseUrlContext): string;
  addChannel(channel: ChannelSeed): SlackChannel;
  addUser(user: UserSeed): SlackUser;
  /** Adds or replaces a Web API method (used by the Socket Mode stand-in for apps.connections.open). */
  handle(method: string, handler: MethodHandler, tokenKind?: TokenKind): void;
  /** Polls `probe(this)` until it returns a value (not false/null/undefined) and resolves with it; rejects with a state dump. */
  waitFor<T>(probe: (standin: SlackStandin) => T | NotYet, timeoutMs?: number, label?: string): Promise<T>;
  renderThread(channel: string, ts: string): string;
  renderChannel(channel: string): string;
  /** All channels, response_url posts, views and the last calls, as text. */
  dump(): string;
  /** Next `times` calls of `method` ('*' = any) get `fault`. */
  failNext(method: string, fault: Fault, times?: number): void;
  /** Down: refuse connections (default), reset them, or answer 503. Resolves once the state applies. */
  setDown(down: boolean, mode?: DownMode): Promise<void>;
  setRateLimit(method: string, perWindow: number | undefined): void;
  /** Grants the bot token these scopes from now on (as reinstalling the app with other scopes would). */
  setScopes(scopes: readonly string[]): void;
  readonly rejected: RejectionCounters;
  /** Clears model, calls, responses, queued faults and counters (rate limits and handlers stay; ts keeps increasing). */
  reset(): void;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

class SlackStandinServer implements SlackStandin {
  readonly identity: StandinIdentity;
  readonly behaviour: StandinBehaviour;
  readonly token: string;
  readonly appToken: string;
  readonly calls: RecordedCall[] = [];
  private readonly model: WorkspaceModel;
  private readonly registry = new MethodRegistry();
  private readonly faults: FaultInjector;
  private readonly responseUrls: ResponseUrls;
  private readonly server: Server;
  private down: DownMode | undefined;
  private boundPort = 0;
  private scopes: readonly string[];

  constructor(options: SlackStandinOptions) {
    this.identity = { ...DEFAULT_IDENTITY, ...options.identity };
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
    this.token = options.token ?? 'xoxb-standin-token';
    this.appToken = options.appToken ?? 'xapp-1-standin-token';
    this.scopes = options.scopes ?? DEFAULT_SCOPES;
    this.model = new WorkspaceModel(this.identity, {
      channels: options.channels,
      users: options.users,
      tsBaseSeconds: options.tsBaseSeconds,
    });
    this.faults = new FaultInjector(options.rateLimit, options.rateLimitWindowMs);
    this.responseUrls = new ResponseUrls(this.model, this.behaviour);
    registerChatMethods(this.registry, this.model, this.behaviour);
    registerWorkspaceMethods(this.registry, this.model, this.behaviour);
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        sendText(res, 500, `slack stand-in internal error: ${message}`);
      });
    });
  }

  async start(port: number): Promise<void> {
    this.boundPort = await listen(this.server, port);
  }

  get port(): number {
    return this.boundPort;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  get url(): string {
    return `${this.origin}${API_PATH}`;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    if (url.pathname.startsWith(API_PATH)) {
      await handleApiRequest(req, res, url, {
        registry: this.registry,
        faults: this.faults,
        identity: this.identity,
        tokens: { bot: this.token, app: this.appToken },
        calls: this.calls,
        downMode: () => this.down,
        scopes: () => this.scopes,
      });
      return;
    }
    if (url.pathname.startsWith(RESPONSE_PATH) && req.method === 'POST') {
      const raw = await readBody(req);
      if (this.down !== undefined) {
        if (this.down === '503') sendText(res, 503, 'Service Unavailable (slack stand-in is down)');
        else req.socket.destroy();
        return;
      }
      let body: unknown = raw;
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        // recorded as the raw string; answered invalid_payload
      }
      const answer = this.responseUrls.post(decodeURIComponent(url.pathname.slice(RESPONSE_PATH.length)), body);
      sendJson(res, answer.status, answer.body);
      return;
    }
    sendText(res, 404, `slack stand-in: no route for ${req.method ?? '?'} ${url.pathname}`);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  messages(channel: string): SlackMessage[] {
    return this.model.channelView(channel);
  }

  thread(channel: string, ts: string): SlackMessage[] {
    return this.model.replies(channel, ts);
  }

  message(channel: string, ts: string): SlackMessage | undefined {
    return this.model.find(channel, ts);
  }

  ephemerals(userId?: string): EphemeralMessage[] {
    return this.model.ephemerals(userId);
  }

  get responses(): readonly ResponseUrlPost[] {
    return this.model.responses;
  }

  get views(): readonly OpenedView[] {
    return this.model.views;
  }

  responseUrl(id: string, context?: ResponseUrlContext): string {
    this.responseUrls.register(id, context);
    return `${this.origin}${RESPONSE_PATH}${encodeURIComponent(id)}`;
  }

  addChannel(channel: ChannelSeed): SlackChannel {
    return this.model.addChannel(channel);
  }

  addUser(user: UserSeed): SlackUser {
    return this.model.addUser(user);
  }

  handle(method: string, handler: MethodHandler, tokenKind: TokenKind = 'bot'): void {
    this.registry.register(method, handler, tokenKind);
  }

  waitFor<T>(probe: (standin: SlackStandin) => T | NotYet, timeoutMs = 2000, label?: string): Promise<T> {
    return pollUntil(() => probe(this), { timeoutMs, label, describe: () => this.dump() });
  }

  renderThread(channel: string, ts: string): string {
    return renderThread(this.model, channel, ts);
  }

  renderChannel(channel: string): string {
    return renderChannel(this.model, channel);
  }

  dump(): string {
    return renderDump(this.model, this.calls);
  }

  failNext(method: string, fault: Fault, times = 1): void {
    this.faults.failNext(method, fault, times);
  }

  async setDown(down: boolean, mode: DownMode = 'refuse'): Promise<void> {
    this.down = down ? mode : undefined;
    if (down && mode === 'refuse') {
      await stopListening(this.server);
      return;
    }
    if (!this.server.listening) await listen(this.server, this.boundPort);
    if (down) this.server.closeIdleConnections();
  }

  setRateLimit(method: string, perWindow: number | undefined): void {
    this.faults.setRateLimit(method, perWindow);
  }

  setScopes(scopes: readonly string[]): void {
    this.scopes = scopes;
  }

  get rejected(): RejectionCounters {
    return this.faults.counters();
  }

  reset(): void {
    this.model.reset();
    this.calls.length = 0;
    this.faults.reset();
    this.responseUrls.reset();
  }

  async close(): Promise<void> {
    this.down = 'refuse';
    await stopListening(this.server);
  }
}

/** Starts the stand-in on 127.0.0.1 (`port` 0 = any free port). */
export async function startSlackStandin(options: SlackStandinOptions = {}): Promise<SlackStandin> {
  const standin = new SlackStandinServer(options);
  await standin.start(options.port ?? 0);
  return standin;
}
