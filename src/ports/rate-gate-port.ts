/** A steady rate with bursts: one call per `intervalMs` on average, up to `burst` calls at once after a quiet time. */
export interface RateLimit {
  intervalMs: number;
  burst: number;
}

/** One limit a call counts against: `key` names what is limited (a channel's posts, a method, one message's edits). */
export interface RateCharge {
  key: string;
  limit: RateLimit;
}

/**
 * Where the bot's calls to the chat take their turn. Shared through Redis by every bot replica (together they never
 * exceed one replica's limits), or in memory (the console, unit tests, or while Redis is away).
 */
export interface RateGate {
  /**
   * Books one call against every charge at once and resolves with how long to wait before making it (0: now).
   * The booking holds even when the caller then does not call: a wasted turn, never an extra one.
   */
  reserve(charges: readonly RateCharge[]): Promise<number>;
  /** The chat said "too many" (HTTP 429, Retry-After): nobody books a turn on these keys for `ms`. */
  hold(keys: readonly string[], ms: number): Promise<void>;
}
