import type { Fault, RejectionCounters } from './standin-types';

/** Matches every method in `failNext('*', ...)`. */
export const ANY_METHOD = '*';

function emptyCounters(): RejectionCounters {
  return { total: 0, rateLimited: 0, httpError: 0, injectedError: 0, down: 0, byMethod: {} };
}

/**
 * Injected faults (one-shot queues per method), optional sliding-window rate limits per method, and
 * counters of everything refused. Rate limits are off unless configured.
 */
export class FaultInjector {
  private readonly queues = new Map<string, Fault[]>();
  private readonly limits = new Map<string, number>();
  private readonly accepted = new Map<string, number[]>();
  private counts = emptyCounters();

  constructor(
    limits: Record<string, number> = {},
    private readonly windowMs = 60_000,
  ) {
    for (const [method, perWindow] of Object.entries(limits)) this.limits.set(method, perWindow);
  }

  /** Queues `fault` for the next `times` calls of `method` (or of any method with '*'). */
  failNext(method: string, fault: Fault, times = 1): void {
    const queue = this.queues.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.queues.set(method, queue);
  }

  /** Takes the next queued fault for this call, method-specific first. */
  take(method: string): Fault | undefined {
    for (const key of [method, ANY_METHOD]) {
      const queue = this.queues.get(key);
      const fault = queue?.shift();
      if (fault !== undefined) return fault;
    }
    return undefined;
  }

  pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Sets (or with undefined, removes) the calls allowed per window for a method. */
  setRateLimit(method: string, perWindow: number | undefined): void {
    if (perWindow === undefined) this.limits.delete(method);
    else this.limits.set(method, perWindow);
  }

  /** Seconds the caller must wait if this call is over the method's limit, else undefined. */
  retryAfter(method: string, now: number): number | undefined {
    const limit = this.limits.get(method);
    if (limit === undefined) return undefined;
    const recent = (this.accepted.get(method) ?? []).filter((t) => t > now - this.windowMs);
    this.accepted.set(method, recent);
    const oldest = recent[0];
    if (recent.length < limit || oldest === undefined) return undefined;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }

  /** Counts an accepted call toward its method's window. */
  noteAccepted(method: string, now: number): void {
    if (!this.limits.has(method)) return;
    const list = this.accepted.get(method) ?? [];
    list.push(now);
    this.accepted.set(method, list);
  }

  countRejection(method: string, kind: 'rateLimited' | 'httpError' | 'injectedError' | 'down'): void {
    this.counts.total += 1;
    this.counts[kind] += 1;
    this.counts.byMethod[method] = (this.counts.byMethod[method] ?? 0) + 1;
  }

  counters(): RejectionCounters {
    return { ...this.counts, byMethod: { ...this.counts.byMethod } };
  }

  /** Drops queued faults, counters and rate windows; configured limits stay. */
  reset(): void {
    this.queues.clear();
    this.accepted.clear();
    this.counts = emptyCounters();
  }
}
