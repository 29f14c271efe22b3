import type { Logger } from '../ports/logger-port';
import type { AuditAnchor } from '../core/audit/anchor-line';
import type { AnchorSink, AnchorSource } from '../ports/anchor-port';
import type { MetricsPort } from '../ports/metrics-port';

/** Options of {@link AnchorPublisher}. */
export interface AnchorPublisherOptions {
  source: AnchorSource;
  sinks: readonly AnchorSink[];
  logger: Logger;
  metrics: MetricsPort;
  now: () => number;
  /** A publication at least this often (when the log has grown). */
  everyMs: number;
  /** Quiet time after a nudge before publishing; a steady stream of nudges waits 4× this at most. */
  settleMs: number;
  /** Whether this replica publishes now (it holds the lease); the last publish at stop goes regardless. @defaultValue always */
  active?: () => boolean;
}

/**
 * Publishes the audit chain head outside Redis (the audit channel, the audit file): after state-changing records
 * ({@link nudge}, coalesced over `settleMs`), on a schedule, and once at start. A head is published once across bot
 * replicas (a claim per seq); one nobody could take is claimed back and published by the next attempt.
 */
export class AnchorPublisher {
  private settle: NodeJS.Timeout | undefined;
  private schedule: NodeJS.Timeout | undefined;
  private firstNudge: number | undefined;
  private running: Promise<AuditAnchor | undefined> | undefined;
  private again = false;
  private stopped = false;
  private stopping = false;

  constructor(private readonly o: AnchorPublisherOptions) {}

  /** Starts the schedule and publishes the current head soon. Nothing to do without sinks. */
  start(): void {
    if (this.o.sinks.length === 0) return;
    this.schedule = setInterval(() => void this.publish(), this.o.everyMs);
    this.schedule.unref();
    this.nudge();
  }

  /** A state-changing record was appended: publish the head once things settle. */
  nudge(): void {
    if (this.stopped || this.o.sinks.length === 0) return;
    const now = this.o.now();
    this.firstNudge ??= now;
    clearTimeout(this.settle);
    const wait = Math.max(0, Math.min(this.o.settleMs, this.firstNudge + 4 * this.o.settleMs - now));
    this.settle = setTimeout(() => {
      this.firstNudge = undefined;
      void this.publish();
    }, wait);
    this.settle.unref();
  }

  /**
   * Publishes the head now unless it was already (by this or another replica); resolves with what was published.
   * Never rejects: failures are logged and counted. Calls while one runs are folded into one more run after it.
   */
  publish(): Promise<AuditAnchor | undefined> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    const run = this.publishOnce()
      .catch((err: unknown) => {
        this.o.logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'audit anchor not published (Redis unreachable?); retried with the next one',
        );
        return undefined;
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.publish();
        }
      });
    this.running = run;
    return run;
  }

  /** Stops the timers, publishes the head a last time (the process's stop record) and waits for it. */
  async stop(): Promise<void> {
    clearTimeout(this.settle);
    clearInterval(this.schedule);
    if (this.o.sinks.length === 0 || this.stopped) return;
    await this.running;
    this.stopping = true;
    await this.publish();
    this.stopped = true;
  }

  private async publishOnce(): Promise<AuditAnchor | undefined> {
    if (this.o.active !== undefined && !this.stopping && !this.o.active()) return undefined;
    const head = await this.o.source.head();
    if (head === undefined || !(await this.o.source.claim(head.seq))) return undefined;
    const anchor: AuditAnchor = { ...head, at: new Date(this.o.now()).toISOString() };
    const results = await Promise.allSettled(this.o.sinks.map((s) => s.publish(anchor)));
    let published = 0;
    results.forEach((r, i) => {
      const sink = this.o.sinks[i];
      if (sink === undefined) return;
      this.o.metrics.auditAnchorPublished(sink.kind, r.status === 'fulfilled', anchor.seq);
      if (r.status === 'fulfilled') published++;
      else
        this.o.logger.warn(
          { sink: sink.name, seq: anchor.seq, err: r.reason instanceof Error ? r.reason.message : String(r.reason) },
          'audit anchor not published to this sink',
        );
    });
    if (published === 0) {
      await this.o.source.release(anchor.seq);
      return undefined;
    }
    this.o.logger.info({ seq: anchor.seq, sinks: published }, 'audit anchor published');
    return anchor;
  }
}
