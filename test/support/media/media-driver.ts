import type { FleetHost } from '../fleet';

/** What a client does: publish a stream (RTMP), play it over RTMP, or play it as HTTP-FLV. */
export type MediaKind = 'publish' | 'play' | 'flv';

/** One connected client. */
export interface MediaClient {
  kind: MediaKind;
  stream: string;
  /** Disconnects (idempotent); resolves once the connection is closed. */
  leave(): Promise<void>;
  /** Resolves when the connection ended, by either side. */
  closed: Promise<void>;
}

/** An encoder that connects again after each disconnect, as real encoders do across a restart. */
export interface ReconnectingPublisher {
  stream: string;
  /** Stops reconnecting and disconnects. */
  stop(): Promise<void>;
}

/** Options of {@link MediaDriver.connect}. */
export interface ConnectOptions {
  kind: MediaKind;
  /** `app/stream`. @defaultValue 'live/livestream' */
  stream?: string;
  /** Leave by itself this long after connecting. */
  leaveAfterMs?: number;
}

/**
 * Media clients for one kind of host: the simulator's one-line protocol clients, or real RTMP / HTTP-FLV clients
 * (ffmpeg) for real SRS. The conformance suite drives both through this one interface, so only the host differs.
 */
export interface MediaDriver {
  readonly engine: 'sim' | 'real';
  /** Connects a client; resolves once the server lists it (its API, or its socket when the API is closed). */
  connect(host: FleetHost, options: ConnectOptions): Promise<MediaClient>;
  reconnectingPublisher(host: FleetHost, stream: string): ReconnectingPublisher;
  /** Disconnects every client this driver started (test cleanup). */
  closeAll(): Promise<void>;
}
