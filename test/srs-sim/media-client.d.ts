// Types of media-client.js (simulated RTMP / HTTP-FLV clients), for TypeScript callers.
import type { Socket } from 'net';
export type ClientKind = 'publish' | 'play' | 'flv';
export interface ConnectOptions {
  host?: string;
  /** RTMP port for publish/play, HTTP server port for flv */
  port: number;
  kind: ClientKind;
  /** "app/stream", default live/livestream */
  stream?: string;
  leaveAfterMs?: number;
  connectTimeoutMs?: number;
  /** publishers only: send filler bytes at this rate (relayed to the stream's players) */
  bitrateKbps?: number;
}
export interface ClientHandle {
  /** server-side client id (RTMP kinds; '' for flv) */
  id: string;
  kind: ClientKind;
  stream: string;
  socket: Socket;
  close(): Promise<void>;
  /** resolves when the connection closed, by either side */
  closed: Promise<void>;
}
export function connectClient(opts: ConnectOptions): Promise<ClientHandle>;
export interface ScheduleOptions {
  host?: string;
  rtmpPort: number;
  httpPort?: number;
  clients?: Array<{ kind: ClientKind; stream?: string; leaveAfterMs?: number; bitrateKbps?: number }>;
  /** one client per entry, leaving that many ms after all connected */
  leaveAfterMs?: number[];
  /** clients that never leave */
  stayers?: number;
  kind?: ClientKind;
  stream?: string;
}
export interface Schedule {
  handles: ClientHandle[];
  leavers: ClientHandle[];
  stayers: ClientHandle[];
  /** resolves when every client with a leave time has left */
  left: Promise<void>;
  closeAll(): Promise<void>;
}
export function clientSchedule(opts: ScheduleOptions): Promise<Schedule>;
export interface ReconnectOptions extends ConnectOptions {
  /** wait this long after a close / refusal / timeout, then connect again (same kind and stream) */
  reconnectMs: number;
  /** each connection event (the CLI prints them) */
  onEvent?: (e: { type: 'connected' | 'closed' | 'failed'; id?: string; error?: string }) => void;
  // leaveAfterMs (inherited): the total lifetime, stop() after that long
}
export interface ReconnectingClient {
  kind: ClientKind;
  stream: string;
  /** the accepted connection, null while disconnected / retrying */
  current: ClientHandle | null;
  /** accepted connections so far */
  connects: number;
  /** refused / failed attempts so far */
  failures: number;
  /** message of the last failed attempt ('' if none) */
  lastError: string;
  /** the current connection, or the next one accepted; rejects after timeoutMs (default 10000) */
  waitConnected(timeoutMs?: number): Promise<ClientHandle>;
  /** stop retrying and close the current connection */
  stop(): Promise<void>;
  /** resolves once stopped */
  stopped: Promise<void>;
}
/** Starts at once; connection failures are retried, never thrown. */
export function reconnectingClient(opts: ReconnectOptions): ReconnectingClient;
