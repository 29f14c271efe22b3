import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { JobEvent } from '../../ports/job-queue-port';
import { keys } from './keys';

/** Events handled at once by one consumer before it waits to read more. */
const MAX_IN_FLIGHT = 1000;
/** How long stop() waits for events being handled. */
const STOP_WAIT_MS = 2000;

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
  /** Acks and claims: not queued behind the blocking read of the main connection. */
  private commands: Redis | undefined;
  /** Per request, the tail of its chain of events being handled (in stream order). */
  private readonly chains = new Map<string, Promise<void>>();
  /** Entry ids being handled now: a retry claim does not start them a second time. */
  private readonly inFlight = new Set<string>();
  private retrying: Promise<void> | undefined;

  constructor(private readonly o: EventConsumerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.commands = this.o.redis.duplicate();
    this.commands.on('error', () => undefined); // failures surface through the commands (and are retried)
    this.loop = this.run();
  }

  /** Stops reading and closes the connections (a read blocked on a dead Redis would otherwise never return). */
  async stop(): Promise<void> {
    this.running = false;
    this.signalStop();
    this.o.redis.disconnect();
    await this.loop;
    // Events being handled get a moment to finish; whatever is not acknowledged stays pending for the next bot.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.chains.values()]), new Promise((r) => (timer = setTimeout(r, STOP_WAIT_MS)))]);
    clearTimeout(timer);
    this.commands?.disconnect();
  }

  private async run(): Promise<void> {
    let lastClaim = 0;
    let lastTouch = 0;
    while (this.running) {
      try {
        await this.unlessStopped(this.ensureGroup());
        // Retries run beside the reads: an event that keeps failing (or a slow one being retried) never holds
        // the events of other requests.
        if (this.retrying === undefined && Date.now() - lastClaim >= (this.o.retryIdleMs ?? 1000) / 2) {
          lastClaim = Date.now();
          this.retrying = this.retryPending()
            .catch((err: unknown) => {
              if (this.running)
                this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'event consumer: retry failed; will retry');
            })
            .finally(() => (this.retrying = undefined));
        }
        if (Date.now() - lastTouch >= (this.o.retryIdleMs ?? 1000) / 3) {
          lastTouch = Date.now();
          void this.touchInFlight();
        }
        await this.unlessStopped(this.whileTooBusy());
        const res = (await this.unlessStopped(
          this.o.redis.xreadgroup('GROUP', this.o.group, this.o.consumer, 'COUNT', 100, 'BLOCK', 500, 'STREAMS', keys.events, '>'),
        )) as Array<[string, Array<[string, string[]]>]> | null | undefined;
        for (const [, entries] of res ?? []) void (await this.dispatch(entries)); // handled in the background (chains)
      } catch (err) {
        if (!this.running) break;
        this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'event consumer: redis error, retrying');
        await sleep(500);
      }
    }
    await this.retrying;
  }

  /** Backpressure: with this many events being handled, reading waits until one request's chain is done. */
  private async whileTooBusy(): Promise<void> {
    while (this.running && this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.chains.values());
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
    const res = (await this.unlessStopped(
      this.commandConnection().xautoclaim(keys.events, this.o.group, this.o.consumer, this.o.retryIdleMs ?? 1000, '0', 'COUNT', 100),
    )) as [string, Array<[string, string[]] | null>] | undefined;
    const entries = (res?.[1] ?? []).filter((e): e is [string, string[]] => e !== null);
    void (await this.dispatch(entries)); // handled in the background; entries still in flight are not started twice
  }

  /**
   * Keeps the entries this process is still handling from looking idle (XCLAIM to itself, JUSTID): a slow delivery
   * (paced thread replies can wait seconds for their turn) is not taken over and run a second time by another replica.
   * Only a consumer that stops touching its entries (it died) has them claimed by the others.
   */
  private async touchInFlight(): Promise<void> {
    if (this.inFlight.size === 0) return;
    await this.commandConnection()
      .xclaim(keys.events, this.o.group, this.o.consumer, 0, ...this.inFlight, 'JUSTID')
      .catch(() => undefined); // a Redis blip: the next touch, or at worst a duplicate delivery (idempotent)
  }

  private commandConnection(): Redis {
    return this.commands ?? this.o.redis;
  }

  /**
   * Starts handling a batch: events of one request in stream order, one after another (chained after the ones of
   * that request still being handled); different requests concurrently, so that one request's slow delivery (paced
   * thread replies of a big fan-out, a chat that keeps failing) never holds another request's results. Entries
   * already being handled are skipped. Resolves to the chains started, once unreadable entries are acknowledged.
   */
  private async dispatch(entries: Array<[string, string[]]>): Promise<Array<Promise<void>>> {
    const started: Array<Promise<void>> = [];
    for (const [id, fields] of entries) {
      if (this.inFlight.has(id)) continue;
      const event = readEvent(fields);
      if (event === undefined) {
        this.o.logger.error({ id }, 'event consumer: unreadable event dropped');
        await this.commandConnection().xack(keys.events, this.o.group, id);
        continue;
      }
      this.inFlight.add(id);
      const key = event.requestId;
      const chain = (this.chains.get(key) ?? Promise.resolve())
        .then(() => this.handleOne(id, event))
        .finally(() => {
          this.inFlight.delete(id);
          if (this.chains.get(key) === chain) this.chains.delete(key);
        });
      this.chains.set(key, chain);
      started.push(chain);
    }
    return started;
  }

  /** Handles one event and acknowledges it; a failure leaves it pending, to be retried. Never rejects. */
  private async handleOne(id: string, event: JobEvent): Promise<void> {
    try {
      await this.o.handle(event, id);
      await this.commandConnection().xack(keys.events, this.o.group, id);
    } catch (err) {
      this.o.logger.info(
        { id, requestId: event.requestId, err: err instanceof Error ? err.message : String(err) },
        'event not delivered yet; will retry',
      );
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
