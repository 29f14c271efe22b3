import type { RateCharge } from '../../ports/rate-gate-port';

/** Per key: its theoretical arrival time (`tat`), and until when a 429 holds it (`heldUntil`); both ms, absent if none. */
export interface GcraState {
  tat?: number;
  heldUntil?: number;
}

/**
 * GCRA (the generic cell rate algorithm), as reservations: per key, the theoretical arrival time `tat` of the next
 * call. A call may go at `tat - (burst - 1) * interval` at the earliest, and not before a hold ends; it books the latest
 * of its keys' earliest times (or now), and each key's `tat` moves to that time plus its interval. The Redis script
 * pace-reserve.lua is the same computation, atomic on the Redis clock: keep both in step.
 */
export function gcraReserve(states: readonly GcraState[], charges: readonly RateCharge[], now: number): { waitMs: number; tats: number[] } {
  let at = now;
  charges.forEach((c, i) => {
    const s = states[i] ?? {};
    at = Math.max(at, (s.tat ?? now) - (c.limit.burst - 1) * c.limit.intervalMs, s.heldUntil ?? now);
  });
  const tats = charges.map((c, i) => Math.max(states[i]?.tat ?? now, at) + c.limit.intervalMs);
  return { waitMs: at - now, tats };
}
