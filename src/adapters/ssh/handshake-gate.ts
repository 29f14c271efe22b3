import { ChannelLimiter } from './channel-limiter';

/**
 * Admits SSH handshakes: at most `limit` in progress at once in this process, the others wait their turn (first come,
 * first served). A connect timeout should start inside {@link HandshakeGate.admit}, so that waiting here does not
 * count against it: a burst of hundreds of handshakes on a few cores would otherwise time out on healthy hosts.
 */
export class HandshakeGate {
  private readonly slots: ChannelLimiter;

  constructor(limit: number) {
    this.slots = new ChannelLimiter(limit);
  }

  /** Runs `handshake` once admitted, and gives the slot back when it settles (either way). */
  async admit<T>(handshake: () => Promise<T>): Promise<T> {
    const admitted = await this.slots.acquire();
    try {
      return await handshake();
    } finally {
      admitted();
    }
  }

  /** Handshakes running now (at most the limit). */
  get inProgress(): number {
    return this.slots.inUse;
  }
}
