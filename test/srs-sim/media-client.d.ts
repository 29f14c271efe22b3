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
