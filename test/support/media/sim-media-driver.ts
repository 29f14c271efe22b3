import { connectClient, reconnectingClient } from '../../srs-sim/media-client';
import type { FleetHost } from '../fleet';
import type { ConnectOptions, MediaClient, MediaDriver, ReconnectingPublisher } from './media-driver';

/** {@link MediaDriver} for simulator hosts: the simulator's own clients (held-open TCP connections). */
export class SimMediaDriver implements MediaDriver {
  readonly engine = 'sim' as const;
  private readonly open = new Set<{ stop: () => Promise<void> }>();

  async connect(host: FleetHost, options: ConnectOptions): Promise<MediaClient> {
    const stream = options.stream ?? 'live/livestream';
    const port = options.kind === 'flv' ? host.ports.http : host.ports.rtmp;
    const handle = await connectClient({
      port,
      kind: options.kind,
      stream,
      ...(options.leaveAfterMs !== undefined && { leaveAfterMs: options.leaveAfterMs }),
    });
    const entry = { stop: () => handle.close() };
    this.open.add(entry);
    void handle.closed.then(() => this.open.delete(entry));
    return { kind: options.kind, stream, leave: () => handle.close(), closed: handle.closed };
  }

  reconnectingPublisher(host: FleetHost, stream: string): ReconnectingPublisher {
    const client = reconnectingClient({ port: host.ports.rtmp, kind: 'publish', stream, reconnectMs: 300 });
    const entry = { stop: () => client.stop() };
    this.open.add(entry);
    return {
      stream,
      stop: async () => {
        this.open.delete(entry);
        await client.stop();
      },
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((c) => c.stop()));
    this.open.clear();
  }
}
