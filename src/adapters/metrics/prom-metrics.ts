import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { withTimeout } from '../../core/with-timeout';
import type { MetricsPort } from '../../ports/metrics-port';

/**
 * Values read when Prometheus scrapes (they live in Redis). A reader that fails or does not answer within
 * `scrapeTimeoutMs` never holds the scrape up: in that scrape `srs_chatops_queue_jobs` is absent and
 * `srs_chatops_workers_alive` is NaN (unknown, not 0); every other series is served as usual.
 */
export interface ScrapedGauges {
  /** Jobs in the queue by BullMQ state (`waiting`, `delayed`, `active`, ...). */
  queueDepth?: () => Promise<Record<string, number>>;
  /** Workers whose heartbeat is fresh. */
  workersAlive?: () => Promise<number>;
}

/** Options of {@link PromMetrics}. */
export interface PromMetricsOptions {
  /** `bot` or `worker`: a label on every series, so one Prometheus job can scrape both. */
  component: string;
  gauges?: ScrapedGauges;
  /** Node's process metrics (CPU, memory, event loop lag). @defaultValue true */
  processMetrics?: boolean;
  /** How long a scrape waits for each {@link ScrapedGauges} reader (they run at once). @defaultValue 1000 */
  scrapeTimeoutMs?: number;
}

const JOB_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120, 300, 600];
const DRAIN_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600];

/** The metrics port on prom-client, with its own registry (nothing global), exposed as Prometheus text. */
export class PromMetrics implements MetricsPort {
  readonly registry = new Registry();
  private readonly jobs: Counter<'verb' | 'outcome'>;
  private readonly jobSeconds: Histogram<'verb' | 'outcome'>;
  private readonly drainSeconds: Histogram<'escalated'>;
  private readonly sshFailures: Counter<'reason'>;
  private readonly slackErrors: Counter<'method' | 'code'>;
  private readonly slackLimited: Counter<'method'>;
  private readonly auditFailures: Counter<'type'>;
  private readonly anchors: Counter<'sink' | 'outcome'>;
  private readonly anchorSeq: Gauge<'sink'>;

  constructor(o: PromMetricsOptions) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ component: o.component });
    if (o.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.jobs = new Counter({
      name: 'srs_chatops_jobs_total',
      help: 'Host jobs finished, by verb and confirmed outcome',
      labelNames: ['verb', 'outcome'],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'srs_chatops_job_duration_seconds',
      help: 'How long a host job ran (verb on the host, confirmation included)',
      labelNames: ['verb', 'outcome'],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.drainSeconds = new Histogram({
      name: 'srs_chatops_drain_duration_seconds',
      help: 'Graceful quits: signal to process gone',
      labelNames: ['escalated'],
      buckets: DRAIN_BUCKETS,
      registers,
    });
    this.sshFailures = new Counter({
      name: 'srs_chatops_ssh_connect_failures_total',
      help: 'SSH operations that failed because the host could not be connected to, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.slackErrors = new Counter({
      name: 'srs_chatops_slack_api_errors_total',
      help: 'Slack Web API calls that failed, by method and error code',
      labelNames: ['method', 'code'],
      registers,
    });
    this.slackLimited = new Counter({
      name: 'srs_chatops_slack_rate_limited_total',
      help: 'Slack Web API 429 answers (retried after Retry-After)',
      labelNames: ['method'],
      registers,
    });
    this.auditFailures = new Counter({
      name: 'srs_chatops_audit_write_failures_total',
      help: 'Audit records that could not be written, by event type',
      labelNames: ['type'],
      registers,
    });
    this.anchors = new Counter({
      name: 'srs_chatops_audit_anchors_total',
      help: 'Audit anchors (chain heads) published outside Redis, by sink and outcome',
      labelNames: ['sink', 'outcome'],
      registers,
    });
    this.anchorSeq = new Gauge({
      name: 'srs_chatops_audit_anchor_seq',
      help: 'Seq of the last audit anchor published, by sink',
      labelNames: ['sink'],
      registers,
    });
    registerScrapeGauges(this.registry, o);
  }

  jobFinished(verb: string, outcome: string, durationMs: number): void {
    this.jobs.inc({ verb, outcome });
    this.jobSeconds.observe({ verb, outcome }, Math.max(0, durationMs) / 1000);
  }

  drainFinished(escalated: boolean, durationMs: number): void {
    this.drainSeconds.observe({ escalated: escalated ? 'yes' : 'no' }, Math.max(0, durationMs) / 1000);
  }

  sshConnectFailed(reason: string): void {
    this.sshFailures.inc({ reason });
  }

  slackApiError(method: string, code: string): void {
    this.slackErrors.inc({ method, code });
  }

  slackRateLimited(method: string): void {
    this.slackLimited.inc({ method });
  }

  auditWriteFailed(type: string): void {
    this.auditFailures.inc({ type });
  }

  auditAnchorPublished(sink: string, ok: boolean, seq: number): void {
    this.anchors.inc({ sink, outcome: ok ? 'ok' : 'failed' });
    if (ok) this.anchorSeq.set({ sink }, seq);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Gauges read from Redis at scrape time (queue depth, live workers), each read bounded by the scrape timeout. */
function registerScrapeGauges(registry: Registry, o: PromMetricsOptions): void {
  const registers = [registry];
  const timeoutMs = o.scrapeTimeoutMs ?? 1000;
  // Bounded: a Redis that is down, refuses the password or hangs costs a scrape at most `timeoutMs`.
  const read = <T>(reader: () => Promise<T>): Promise<T | undefined> =>
    withTimeout(reader(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`)).catch(() => undefined);
  const { queueDepth, workersAlive } = o.gauges ?? {};
  if (queueDepth) {
    new Gauge({
      name: 'srs_chatops_queue_jobs',
      help: 'Jobs in the verb queue, by state (read from Redis at scrape time)',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const counts = await read(queueDepth);
        for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
      },
    });
  }
  if (workersAlive) {
    new Gauge({
      name: 'srs_chatops_workers_alive',
      help: 'Workers whose heartbeat in Redis is fresh',
      registers,
      async collect() {
        // Unknown (Redis unreadable) is NaN, not 0: the workers may well be alive.
        this.set((await read(workersAlive)) ?? Number.NaN);
      },
    });
  }
}
