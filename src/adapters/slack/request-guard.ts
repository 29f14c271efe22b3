import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Remembers request signatures already seen; true when `signature` was seen before (a replay). */
export type SeenSignature = (signature: string) => Promise<boolean>;

/** Options of {@link guardRequests}. */
export interface RequestGuardOptions {
  /** Timestamps further in the future than this are refused (Bolt accepts them). @defaultValue 60 */
  maxFutureSkewSeconds?: number;
  seen: SeenSignature;
  now?: () => number;
  onRefused?: (reason: string) => void;
}

/**
 * Wraps Bolt's request listener with the checks Bolt does not make: a timestamp far in the future, and a replayed
 * request (a signature already seen). Bolt then verifies the signature and refuses stale requests itself.
 */
export function guardRequests(inner: RequestListener, o: RequestGuardOptions): RequestListener {
  const skew = o.maxFutureSkewSeconds ?? 60;
  const now = o.now ?? Date.now;
  const refuse = (res: ServerResponse, reason: string) => {
    o.onRefused?.(reason);
    res.writeHead(401).end();
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    const ts = Number(req.headers['x-slack-request-timestamp']);
    const signature = req.headers['x-slack-signature'];
    if (Number.isFinite(ts) && ts > now() / 1000 + skew) {
      refuse(res, 'timestamp in the future');
      return;
    }
    if (typeof signature !== 'string' || signature === '') {
      inner(req, res); // Bolt refuses it (401)
      return;
    }
    o.seen(signature).then(
      (replayed) => {
        if (replayed) refuse(res, 'replayed request (signature already seen)');
        else inner(req, res);
      },
      () => inner(req, res),
    );
  };
}

/** An in-memory SeenSignature with a time-to-live and a size bound (one bot process). */
export function memorySeenSignatures(ttlMs = 6 * 60 * 1000, max = 50000): SeenSignature {
  const seen = new Map<string, number>();
  return (signature) => {
    const now = Date.now();
    const at = seen.get(signature);
    if (at !== undefined && now - at < ttlMs) return Promise.resolve(true);
    seen.set(signature, now);
    if (seen.size > max) {
      for (const [k, t] of seen) {
        if (now - t >= ttlMs || seen.size > max) seen.delete(k);
        else break;
      }
    }
    return Promise.resolve(false);
  };
}
