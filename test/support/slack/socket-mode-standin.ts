import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AckLedger, type SocketAck, type SocketEnvelope } from './ack-ledger';
import { SlackApiError } from './api-error';
import { blockActionsPayload, type BlockActionsInput, slashCommandPayload, type SlashCommandFields } from './sign-request';
import type { SlackStandin } from './slack-standin';
import { pollUntil } from './wait-for';
import { acceptWebSocket, type WsConnection } from './websocket-connection';

export type { SocketAck, SocketEnvelope } from './ack-ledger';

/**
 * Socket Mode stand-in: `apps.connections.open` (app token) on the Web API stand-in hands out
 * `ws://127.0.0.1:PORT/link/?ticket=...`; this server accepts the WebSocket, says `hello`, pushes envelopes
 * (slash_commands, interactive, events_api) and records the client's acks (`{envelope_id, payload}`), checking that
 * each envelope is acked once within 3 s ({@link AckLedger}). `sendDisconnect` asks the client to reconnect (Slack's
 * `disconnect`, reason `refresh_requested`); envelopes not acked by then are redelivered on the next connection with
 * the same envelope_id and `retry_attempt` counting up, as Slack retries unacked envelopes.
 * Socket Mode carries no request signature: use the HTTP receiver to test verification.
 */

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
  /** Every delivery, redeliveries included, in order. */
  readonly sent: readonly SocketEnvelope[];
  readonly acks: readonly SocketAck[];
  /** Acks thrown away by {@link loseNextAcks}. */
  readonly lostAcks: readonly SocketAck[];
  /** Broken ack rules so far: an envelope not acked within 3 s, acked twice, an ack of an envelope never sent. */
  readonly problems: readonly string[];
  /** Client messages that were not acks (unparseable or unexpected). */
  readonly otherMessages: readonly string[];
  /** Envelopes sent and not acked yet. */
  unacked(): SocketEnvelope[];
  /** Throws unless every envelope sent was acked exactly once, within 3 s of its delivery. */
  verify(): void;
  /** Drops the next `count` acks as if lost on the wire: their envelopes are redelivered after a reconnect. */
  loseNextAcks(count?: number): void;
  /** Resolves once at least `count` connections are open (the hello has been sent). */
  waitForConnection(timeoutMs?: number, count?: number): Promise<void>;
  /** Resolves once `count` connections were accepted in all (a reconnect after the first makes 2) and one is open. */
  waitForConnectionsAccepted(count: number, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once every connection is closed. Call it after `app.stop()`: Bolt's SocketModeReceiver.stop()
   * resolves before the close handshake is done, and closing the server under it leaves a 30 s timer in the client.
   */
  waitForNoConnections(timeoutMs?: number): Promise<void>;
  /**
   * Sends an envelope to the next open connection, round-robin, as Slack spreads envelopes across an app's
   * connections (one per bot replica); not to one asked to reconnect. Returns its envelope_id.
   */
  push(type: string, payload: unknown, options?: { acceptsResponsePayload?: boolean; retryAttempt?: number; retryReason?: string }): string;
  pushSlashCommand(fields: SlashCommandFields): string;
  pushBlockActions(input: BlockActionsInput): string;
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<SocketAck>;
  /** Slack's `{type:'disconnect', reason}` to every connection: the client closes it and connects again. */
  sendDisconnect(reason?: 'refresh_requested' | 'warning'): void;
  /** Drops every connection without a close frame. */
  dropConnections(): void;
  close(): Promise<void>;
}

interface Connection {
  id: number;
  ws: WsConnection;
  /** Asked to reconnect (`disconnect` sent): no new envelope goes to it, as Slack does. */
  leaving?: boolean;
}

function isAck(value: unknown): value is { envelope_id: string; payload?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['envelope_id'] === 'string';
}

class SocketModeServer implements SocketModeStandin {
  readonly sent: SocketEnvelope[] = [];
  readonly otherMessages: string[] = [];
  connectionsAccepted = 0;
  private readonly ledger = new AckLedger();
  private readonly connections: Connection[] = [];
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
    return this.connections.filter((c) => c.ws.open).length;
  }

  get acks(): readonly SocketAck[] {
    return this.ledger.acks;
  }

  get lostAcks(): readonly SocketAck[] {
    return this.ledger.lostAcks;
  }

  get problems(): readonly string[] {
    return this.ledger.problems;
  }

  unacked(): SocketEnvelope[] {
    return this.ledger.unacked().map((u) => u.envelope);
  }

  verify(): void {
    const never = this.unacked().map((e) => `envelope ${e.envelope_id} (${e.type}) never acked`);
    const problems = [...this.problems, ...never];
    if (problems.length > 0) throw new Error(`socket mode stand-in: ${problems.join('; ')}\nacks: ${JSON.stringify(this.acks)}`);
  }

  loseNextAcks(count = 1): void {
    this.ledger.loseNextAcks(count);
  }

  private attach(ws: WsConnection): void {
    this.connectionsAccepted += 1;
    const connection: Connection = { id: this.connectionsAccepted, ws };
    this.connections.push(connection);
    ws.onMessage((text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        this.otherMessages.push(text);
        return;
      }
      if (isAck(parsed)) this.ledger.acked(parsed.envelope_id, parsed.payload ?? {});
      else this.otherMessages.push(text);
    });
    ws.onClose(() => {
      const i = this.connections.indexOf(connection);
      if (i >= 0) this.connections.splice(i, 1);
      this.ledger.connectionClosed(connection.id);
    });
    ws.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openConnections,
        debug_info: { host: 'applink-standin', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.slack.identity.appId },
      }),
    );
    // Slack retries what was not acked on a connection that has gone away.
    const open = new Set(this.connections.filter((c) => c.ws.open).map((c) => c.id));
    for (const owed of this.ledger.owed((id) => open.has(id))) {
      const attempt = owed.attempt + 1;
      this.deliver({ ...owed.envelope, retry_attempt: attempt, retry_reason: 'timeout' }, connection, attempt);
    }
  }

  private deliver(envelope: SocketEnvelope, to: Connection, attempt: number): void {
    this.sent.push(envelope);
    this.ledger.delivered(envelope, to.id, attempt);
    to.ws.sendText(JSON.stringify(envelope));
  }

  waitForConnection(timeoutMs = 5000, count = 1): Promise<void> {
    return pollUntil(() => this.openConnections >= count, {
      timeoutMs,
      label: `${count} socket mode connection(s)`,
      describe: () => `open: ${this.openConnections}, accepted: ${this.connectionsAccepted}\n${this.slack.dump()}`,
    }).then(() => undefined);
  }

  waitForConnectionsAccepted(count: number, timeoutMs = 10000): Promise<void> {
    return pollUntil(() => this.connectionsAccepted >= count && this.openConnections > 0, {
      timeoutMs,
      label: `${count} socket mode connection(s) accepted`,
      describe: () => `open: ${this.openConnections}, accepted: ${this.connectionsAccepted}`,
    }).then(() => undefined);
  }

  waitForNoConnections(timeoutMs = 5000): Promise<void> {
    return pollUntil(() => this.openConnections === 0, {
      timeoutMs,
      label: 'socket mode connections closed',
      describe: () => `open: ${this.openConnections}, accepted: ${this.connectionsAccepted}`,
    }).then(() => undefined);
  }

  push(
    type: string,
    payload: unknown,
    options: { acceptsResponsePayload?: boolean; retryAttempt?: number; retryReason?: string } = {},
  ): string {
    const connection = this.nextConnection();
    if (connection === undefined) throw new Error('socket mode stand-in: no open connection to push to');
    const envelope: SocketEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? type !== 'events_api',
    };
    if (options.retryAttempt !== undefined) envelope.retry_attempt = options.retryAttempt;
    if (options.retryReason !== undefined) envelope.retry_reason = options.retryReason;
    this.deliver(envelope, connection, 0);
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
      describe: () =>
        `acks: ${JSON.stringify(this.acks)}\nproblems: ${JSON.stringify(this.problems)}\nother messages: ${JSON.stringify(this.otherMessages)}\n${this.slack.dump()}`,
    });
  }

  /** Round-robin over the open connections not leaving; the newest open one when all are leaving. */
  private nextConnection(): Connection | undefined {
    const staying = this.connections.filter((c) => c.ws.open && c.leaving !== true);
    if (staying.length === 0) return [...this.connections].reverse().find((c) => c.ws.open);
    this.turn = (this.turn + 1) % staying.length;
    return staying[this.turn];
  }

  private turn = -1;

  sendDisconnect(reason: 'refresh_requested' | 'warning' = 'refresh_requested'): void {
    for (const c of this.connections) c.leaving = true;
    for (const c of this.connections)
      c.ws.sendText(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-standin' } }));
  }

  dropConnections(): void {
    for (const c of [...this.connections]) c.ws.terminate();
  }

  async close(): Promise<void> {
    this.ledger.stop();
    for (const c of [...this.connections]) c.ws.terminate();
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
