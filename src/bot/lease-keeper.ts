import type { LeasePort } from '../ports/lease-port';
import type { Logger } from '../ports/logger-port';

/** Options of {@link LeaseKeeper}. */
export interface LeaseKeeperOptions {
  lease: LeasePort;
  /** The lease's name (`sweeper`, `anchors`). */
  name: string;
  /** This replica's token: unique per replica (its event consumer name), so a restarted replica takes its own back. */
  token: string;
  /** How long the lease lasts unless renewed: how soon another replica takes over when this one dies. */
  ttlMs: number;
  logger: Logger;
  now: () => number;
}

/**
 * Keeps trying to hold a lease, and renews it while held: {@link tick} every third of the TTL. {@link held} is true
 * only while the last confirmed take or renewal is recent enough (two thirds of the TTL, counted from before the
 * call), so a replica that cannot reach Redis stops acting before the lease can pass to another.
 */
export class LeaseKeeper {
  private validUntil = 0;
  private holding = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly o: LeaseKeeperOptions) {}

  held(): boolean {
    if (this.holding && this.o.now() >= this.validUntil) this.lost('not renewed in time (Redis unreachable?)');
    return this.holding;
  }

  /** One step: take the lease if free, renew it if held. Never rejects. */
  tick(): Promise<void> {
    this.ticking ??= this.step().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.o.ttlMs / 3)));
    this.timer.unref();
  }

  /** Stops renewing and frees the lease, so another replica takes it at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    if (!this.holding) return;
    this.holding = false;
    await this.o.lease.release(this.o.name, this.o.token).catch(() => undefined);
    this.o.logger.info({ lease: this.o.name }, 'lease released');
  }

  private async step(): Promise<void> {
    const asked = this.o.now();
    const wasHolding = this.held();
    try {
      const ok = wasHolding
        ? await this.o.lease.renew(this.o.name, this.o.token, this.o.ttlMs)
        : await this.o.lease.acquire(this.o.name, this.o.token, this.o.ttlMs);
      if (!ok) {
        if (wasHolding) this.lost('taken by another replica or expired');
        return;
      }
      this.validUntil = asked + Math.floor((this.o.ttlMs * 2) / 3);
      if (!this.holding) {
        this.holding = true;
        this.o.logger.info({ lease: this.o.name, ttlMs: this.o.ttlMs }, 'lease taken: this replica runs it');
      }
    } catch (err) {
      // Held until validUntil passes (held() then reports the loss); not held: tried again at the next tick.
      this.o.logger.debug({ lease: this.o.name, err: err instanceof Error ? err.message : String(err) }, 'lease not reached');
    }
  }

  private lost(why: string): void {
    this.holding = false;
    this.o.logger.warn({ lease: this.o.name, why }, 'lease lost: this replica stops running it');
  }
}
