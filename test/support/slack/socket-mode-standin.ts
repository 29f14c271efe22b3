import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackApiError } from './api-error';
import { blockActionsPayload, type BlockActionsInput, slashCommandPayload, type SlashCommandFields } from './sign-request';
import type { SlackStandin } from './slack-standin';
import { pollUntil } from './wait-for';
import { acceptWebSocket, type WsConnection } from './websocket-connection';

/**
 * Socket Mode stand-in: `apps.connections.open` (app token) on the Web API stand-in hands out
 * `ws://127.0.0.1:PORT/link/?ticket=...`; this server accepts the WebSocket, says `hello`, pushes envelopes
 * (slash_commands, interactive, events_api) and records the client's acks (`{envelope_id, payload}`).
 * Socket Mode carries no request signature: use the HTTP receiver to test verification.
 */

export interface SocketEnvelope {
  envelope_id: string;
  type: string;
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  /** What the listener passed to `ack(...)` (`{}` for a bare `ack()`). */
  payload: unknown;
  time: number;
}

export interface SocketModeStandinOptions {
  /** The Web API stand-in whose `apps.connections.open` this registers. */
  slack: SlackStandin;
  port?: number;
}

export interface SocketModeStandin {
  readonly port: number;
  /** Open WebSocket connections now. */
  readonly openConnections: number;
  /** Connections accepted so far (reconnects count). */
  readonly connectionsAccepted: number;
  readonly sent: readonly SocketEnvelope[];
  readonly acks: readonly SocketAck[];
  /** Client messages that were not acks (unparseable or unexpected). */
  readonly otherMessages: readonly string[];
  /** Resolves once at least `count` connections are open (the hello has been sent). */
  waitForConnection(timeoutMs?: number, count?: number): Promise<void>;
  /**
   * Resolves once every connection is closed. Call it after `app.stop()`: Bolt's SocketModeReceiver.stop()
   * resolves before the close handshake is done, and closing the server under it leaves a 30 s timer in the client.
   */
  waitForNoConnections(timeoutMs?: number): Promise<void>;
  /** Sends an envelope to the newest open connection; returns its envelope_id. */
  push(type: string, payload: unknown, options?: { acceptsResponsePayload?: boolean; retryAttempt?: number; retryReason?: string }): string;
  pushSlashCommand(fields: SlashCommandFields): string;
  pushBlockActions(input: BlockActionsInput): string;
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<SocketAck>;
  /** Slack's `{type:'disconnect'}` message (the client closes and reconnects). */
  sendDisconnect(reason?: string): void;
  /** Drops every connection without a close frame. */
  dropConnections(): void;
  close(): Promise<void>;
}

function isAck(value: unknown): value is { envelope_id: string; payload?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['envelope_id'] === 'string';
}

class SocketModeServer implements SocketModeStandin {
  readonly sent: SocketEnvelope[] = [];
  readonly acks: SocketAck[] = [];
  readonly otherMessages: string[] = [];
  connectionsAccepted = 0;
  private readonly connections: WsConnection[] = [];
  private readonly tickets = new Set<string>();
  private readonly server: Server;
  private boundPort = 0;

  constructor(private readonly slack: SlackStandin) {
    this.server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('WebSocket upgrade required');
    });
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      const connection = acceptWebSocket(req, socket, head);
      if (connection !== undefined) this.attach(connection);
    });
    slack.handle(
      'apps.connections.open',
      () => {
        if (!this.server.listening) throw new SlackApiError('internal_error');
        const ticket = randomUUID();
        this.tickets.add(ticket);
        return { url: `ws://127.0.0.1:${this.boundPort}/link/?ticket=${ticket}&app_id=${slack.identity.appId}` };
      },
      'app',
    );
  }

  async start(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return this.boundPort;
  }

  get openConnections(): number {
    return this.connections.filter((c) => c.open).length;
  }

  private attach(connection: WsConnection): void {
    this.connectionsAccepted += 1;
    this.connections.push(connection);
    connection.onMessage((text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        this.otherMessages.push(text);
        return;
      }
      if (isAck(parsed)) this.acks.push({ envelope_id: parsed.envelope_id, payload: parsed.payload ?? {}, time: Date.now() });
      else this.otherMessages.push(text);
    });
    connection.onClose(() => {
      const i = this.connections.indexOf(connection);
      if (i >= 0) this.connections.splice(i, 1);
    });
    connection.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openConnections,
        debug_info: { host: 'applink-standin', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.slack.identity.appId },
      }),
    );
  }

  waitForConnection(timeoutMs = 5000, count = 1): Promise<void> {
    return pollUntil(() => this.openConnections >= count, {
      timeoutMs,
      label: `${count} socket mode connection(s)`,
      describe: () => `open: ${this.openConnections}, accepted: ${this.connectionsAccepted}\n${this.slack.dump()}`,
    }).then(() => undefined);
  }

  waitForNoConnections(timeoutMs = 5000): Promise<void> {
    return pollUntil(() => this.openConnections === 0, {
      timeoutMs,
      label: 'socket mode connections closed',
      describe: () => `open: ${this.openConnections}, accepted: ${this.connectionsAccepted}`,
    }).then(() => undefined);
  }

  push(type: string, payload: unknown, options: { acceptsResponsePayload?: boolean; retryAttempt?: number; retryReason?: string } = {}): string {
    const connection = [...this.connections].reverse().find((c) => c.open);
    if (connection === undefined) throw new Error('socket mode stand-in: no open connection to push to');
    const envelope: SocketEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? type !== 'events_api',
    };
    if (options.retryAttempt !== undefined) envelope.retry_attempt = options.retryAttempt;
    if (options.retryReason !== undefined) envelope.retry_reason = options.retryReason;
    this.sent.push(envelope);
    connection.sendText(JSON.stringify(envelope));
    return envelope.envelope_id;
  }

  pushSlashCommand(fields: SlashCommandFields): string {
    return this.push('slash_commands', slashCommandPayload(fields));
  }

  pushBlockActions(input: BlockActionsInput): string {
    return this.push('interactive', blockActionsPayload(input));
  }

  waitForAck(envelopeId: string, timeoutMs = 3000): Promise<SocketAck> {
    return pollUntil(() => this.acks.find((a) => a.envelope_id === envelopeId), {
      timeoutMs,
      label: `ack of envelope ${envelopeId}`,
      describe: () => `acks: ${JSON.stringify(this.acks)}\nother messages: ${JSON.stringify(this.otherMessages)}\n${this.slack.dump()}`,
    });
  }

  sendDisconnect(reason = 'refresh_requested'): void {
    for (const c of this.connections) c.sendText(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-standin' } }));
  }

  dropConnections(): void {
    for (const c of [...this.connections]) c.terminate();
  }

  async close(): Promise<void> {
    for (const c of [...this.connections]) c.terminate();
    await new Promise<void>((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Starts the WebSocket side and registers `apps.connections.open` on `options.slack`. */
export async function startSocketModeStandin(options: SocketModeStandinOptions): Promise<SocketModeStandin> {
  const server = new SocketModeServer(options.slack);
  await server.start(options.port ?? 0);
  return server;
}
