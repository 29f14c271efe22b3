import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { JobEvent } from '../../ports/job-queue-port';
import { keys } from './keys';

/** Options of {@link RedisEventConsumer}. */
export interface EventConsumerOptions {
  /** A dedicated connection (blocking reads), `maxRetriesPerRequest: null`; the consumer owns it and closes it on stop. */
  redis: Redis;
  group: string;
  consumer: string;
  /** Handles one event; throwing leaves it pending, to be retried. */
  handle: (event: JobEvent, id: string) => Promise<void>;
  logger: Logger;
  /** Pending entries idle this long are taken over and retried (own failures, dead consumers). @defaultValue 1000 */
  retryIdleMs?: number;
}

/**
 * Reads job events from the Redis stream through a consumer group: at-least-once delivery to exactly one bot
 * process, survives bot restarts (pending entries are retried) and Redis blips (the loop waits and goes on).
 */
export class RedisEventConsumer {
  private running = false;
  private loop: Promise<void> | undefined;
  private signalStop: () => void = () => undefined;
  /** Resolves on stop(): a command queued on a Redis that is gone never settles, so every wait races this. */
  private readonly stopped = new Promise<void>((resolve) => (this.signalStop = resolve));

  constructor(private readonly o: EventConsumerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops reading and closes the connection (a read blocked on a dead Redis would otherwise never return). */
  async stop(): Promise<void> {
    this.running = false;
    this.signalStop();
    this.o.redis.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    let lastClaim = 0;
    while (this.running) {
      try {
        await this.unlessStopped(this.ensureGroup());
        if (Date.now() - lastClaim >= (this.o.retryIdleMs ?? 1000) / 2) {
          lastClaim = Date.now();
          await this.unlessStopped(this.retryPending());
        }
        const res = (await this.unlessStopped(
          this.o.redis.xreadgroup('GROUP', this.o.group, this.o.consumer, 'COUNT', 100, 'BLOCK', 500, 'STREAMS', keys.events, '>'),
        )) as Array<[string, Array<[string, string[]]>]> | null | undefined;
        for (const [, entries] of res ?? []) await this.handleAll(entries);
      } catch (err) {
        if (!this.running) break;
        this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'event consumer: redis error, retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private groupReady = false;

  /** The command's result, or undefined once stop() was called. */
  private async unlessStopped<T>(p: Promise<T>): Promise<T | undefined> {
    p.catch(() => undefined);
    return Promise.race([p, this.stopped.then(() => undefined)]);
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.o.redis.xgroup('CREATE', keys.events, this.o.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
    }
    this.groupReady = true;
  }

  private async retryPending(): Promise<void> {
    const res = (await this.o.redis.xautoclaim(keys.events, this.o.group, this.o.consumer, this.o.retryIdleMs ?? 1000, '0', 'COUNT', 100)) as [
      string,
      Array<[string, string[]] | null>,
    ];
    const entries = (res[1] ?? []).filter((e): e is [string, string[]] => e !== null);
    await this.handleAll(entries);
  }

  /**
   * Handles a batch: events of one request in stream order, one after another; different requests concurrently, so
   * that one request's slow delivery (paced thread replies of a big fan-out) never holds another request's results.
   */
  private async handleAll(entries: Array<[string, string[]]>): Promise<void> {
    const byRequest = new Map<string, Array<{ id: string; event: JobEvent }>>();
    for (const [id, fields] of entries) {
      const event = readEvent(fields);
      if (event === undefined) {
        this.o.logger.error({ id }, 'event consumer: unreadable event dropped');
        await this.o.redis.xack(keys.events, this.o.group, id);
        continue;
      }
      const group = byRequest.get(event.requestId) ?? [];
      group.push({ id, event });
      byRequest.set(event.requestId, group);
    }
    await Promise.all([...byRequest.values()].map((group) => this.handleInOrder(group)));
  }

  private async handleInOrder(group: ReadonlyArray<{ id: string; event: JobEvent }>): Promise<void> {
    for (const { id, event } of group) {
      try {
        await this.o.handle(event, id);
        await this.o.redis.xack(keys.events, this.o.group, id);
      } catch (err) {
        this.o.logger.info({ id, requestId: event.requestId, err: err instanceof Error ? err.message : String(err) }, 'event not delivered yet; will retry');
      }
    }
  }
}

/** The event of a stream entry; undefined when it is missing, not JSON or not a v1 event. */
function readEvent(fields: readonly string[]): JobEvent | undefined {
  const i = fields.indexOf('event');
  const raw = i >= 0 ? fields[i + 1] : undefined;
  if (raw === undefined) return undefined;
  try {
    const event = JSON.parse(raw) as JobEvent;
    return event.v === 1 && typeof event.requestId === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}
