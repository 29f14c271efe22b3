import { gcraReserve, type GcraState } from '../../core/pacing/gcra';
import type { RateCharge, RateGate } from '../../ports/rate-gate-port';

/** A {@link RateGate} in this process's memory: the console, unit tests, and the bot while Redis is away. */
export class LocalRateGate implements RateGate {
  private readonly states = new Map<string, GcraState>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  reserve(charges: readonly RateCharge[]): Promise<number> {
    const now = this.now();
    const booked = gcraReserve(
      charges.map((c) => this.states.get(c.key) ?? {}),
      charges,
      now,
    );
    charges.forEach((c, i) => this.states.set(c.key, { ...this.states.get(c.key), tat: booked.tats[i] ?? now }));
    this.forgetOld(now);
    return Promise.resolve(booked.waitMs);
  }

  hold(keys: readonly string[], ms: number): Promise<void> {
    const until = this.now() + ms;
    for (const k of keys) {
      const s = this.states.get(k) ?? {};
      this.states.set(k, { ...s, heldUntil: Math.max(s.heldUntil ?? 0, until) });
    }
    return Promise.resolve();
  }

  /** Keys whose turn and hold are both past are forgotten (bounded memory: one key per message edited). */
  private forgetOld(now: number): void {
    if (this.states.size < 1000) return;
    for (const [k, s] of this.states) if ((s.tat ?? 0) < now && (s.heldUntil ?? 0) < now) this.states.delete(k);
  }
}
