/**
 * A named lease held by one holder at a time (its token), for `ttlMs` unless renewed: what makes a bot replica the one
 * that sweeps, or publishes audit anchors. A holder that dies without releasing loses it when the TTL runs out.
 */
export interface LeasePort {
  /** Takes the lease if free (or already this token's, which then lasts `ttlMs` more); true when `token` holds it. */
  acquire(name: string, token: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease by `ttlMs` if `token` still holds it; false when it was lost (expired, or taken by another). */
  renew(name: string, token: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if `token` holds it (a clean stop: another replica takes it at once). */
  release(name: string, token: string): Promise<void>;
}
