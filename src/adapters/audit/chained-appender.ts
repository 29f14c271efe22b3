import type { Redis } from 'ioredis';
import { confirmReplicated } from '../redis/replica-wait';
import { indexesOf } from '../../core/audit/index-plan';
import { ChatopsError } from '../../core/errors';
import { GENESIS_HASH } from '../../core/audit/record-hash';
import { sealRecord, type SealedRecord } from '../../core/audit/seal-record';
import type { AuditEventInput, AuditRecord } from '../../ports/audit-port';
import { APPEND_SCRIPT, APPEND_SCRIPT_SHA } from './append-script';
import type { AuditKeys } from './audit-keys';
import { auditUnavailable } from './audit-unavailable';
import { readHead } from './read-head';
import { withTimeout } from '../../core/with-timeout';

/** A copy of every record, written after Redis took it and before `append` resolves (e.g. {@link FileAuditSink}). */
export interface AuditMirror {
  write(records: readonly AuditRecord[]): Promise<void>;
}

/** Options of {@link ChainedAppender}. */
export interface ChainedAppenderOptions {
  redis: Redis;
  keys: AuditKeys;
  /** An append not confirmed after this long rejects. */
  writeTimeoutMs: number;
  now: () => number;
  mirror?: AuditMirror;
  /** Records sent in one pipeline at most. */
  maxBatch: number;
}

interface Pending {
  event: AuditEventInput;
  resolve: (record: AuditRecord) => void;
  reject: (err: Error) => void;
  settled: boolean;
  timer: NodeJS.Timeout;
  attempts: number;
}

type Sent = { p: Pending; s: SealedRecord };
type Reply = [number, string, string?];

/**
 * Appends records to the chain in Redis, in the order `append` was called in this process, for any number of
 * processes. Records wait in a queue; one pipeline at a time takes all that wait, chains them on the head this
 * process last saw (sealing each: seq, prev, hash) and sends one append script per record. Redis runs them in
 * order; a script whose expected head is stale (another process appended) refuses, and that record and those
 * after it are chained again on the head it reported. Concurrent appends thus cost one round trip per batch,
 * not per record, and the chain stays one line across processes.
 */
export class ChainedAppender {
  private readonly queue: Pending[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private head: { seq: number; hash: string } | undefined;
  private scriptLoaded = false;

  constructor(private readonly o: ChainedAppenderOptions) {}

  /**
   * Queues one event; resolves with its stored record, rejects within `writeTimeoutMs` when it was not stored
   * (Redis refused, did not answer, or other writers kept taking the head for that long).
   */
  append(event: AuditEventInput): Promise<AuditRecord> {
    return new Promise<AuditRecord>((resolve, reject) => {
      const expire = (): void => this.settle(p, auditUnavailable(p.attempts > 0 ? 'contention' : 'timeout'));
      const p: Pending = { event, resolve, reject, settled: false, attempts: 0, timer: setTimeout(expire, this.o.writeTimeoutMs) };
      this.queue.push(p);
      if (!this.running) this.idle = this.run();
    });
  }

  /** Resolves once every queued append has settled. */
  drain(): Promise<void> {
    return this.idle;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.o.maxBatch).filter((p) => !p.settled);
        if (batch.length === 0) continue;
        try {
          await this.send(batch);
        } catch (err) {
          this.head = undefined;
          for (const p of batch) this.settle(p, auditUnavailable('refused', err));
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    let sent: Sent[];
    try {
      await this.prepare();
      sent = this.seal(batch, this.head ?? { seq: 0, hash: GENESIS_HASH });
    } catch (err) {
      this.head = undefined;
      for (const p of batch) this.settle(p, auditUnavailable('refused', err));
      return;
    }
    if (sent.length === 0) return;
    const pipeline = this.o.redis.pipeline();
    for (const { s } of sent) {
      const keys = [this.o.keys.stream, this.o.keys.head, ...indexesOf(s.record).map((ref) => this.o.keys.index(ref))];
      pipeline.evalsha(
        APPEND_SCRIPT_SHA,
        keys.length,
        ...keys,
        String(s.record.seq - 1),
        s.record.prev,
        String(s.record.seq),
        s.record.hash,
        s.body,
      );
    }
    let results: Array<[Error | null, unknown]>;
    try {
      results = (await withTimeout(pipeline.exec(), this.o.writeTimeoutMs, () => auditUnavailable('timeout'))) ?? [];
    } catch (err) {
      this.head = undefined;
      for (const { p } of sent) this.settle(p, err instanceof ChatopsError ? err : auditUnavailable('refused', err));
      return;
    }
    await this.settleResults(sent, results);
  }

  /** Loads the script once, and reads the head when this process does not know it. */
  private async prepare(): Promise<void> {
    if (!this.scriptLoaded) {
      await withTimeout(this.o.redis.script('LOAD', APPEND_SCRIPT), this.o.writeTimeoutMs, () => auditUnavailable('timeout'));
      this.scriptLoaded = true;
    }
    if (this.head === undefined) {
      const head = await withTimeout(readHead(this.o.redis, this.o.keys), this.o.writeTimeoutMs, () => auditUnavailable('timeout'));
      this.head = head ?? { seq: 0, hash: GENESIS_HASH };
    }
  }

  /** Chains the batch on `head`; an event that cannot be sealed (a caller's bug) is rejected alone. */
  private seal(batch: Pending[], head: { seq: number; hash: string }): Sent[] {
    const sent: Sent[] = [];
    let { seq, hash } = head;
    for (const p of batch) {
      try {
        const s = sealRecord(p.event, { seq: seq + 1, prev: hash, atMs: this.o.now() });
        sent.push({ p, s });
        seq = s.record.seq;
        hash = s.record.hash;
      } catch (err) {
        this.settle(p, err instanceof Error ? err : new Error(String(err)));
      }
    }
    return sent;
  }

  private async settleResults(sent: Sent[], results: Array<[Error | null, unknown]>): Promise<void> {
    const written: Sent[] = [];
    for (let i = 0; i < sent.length; i++) {
      const [err, value] = results[i] ?? [new Error('no reply'), undefined];
      const reply = value as Reply | undefined;
      if (err === null && reply?.[0] === 1) {
        const s = (sent[i] as Sent).s;
        written.push(sent[i] as Sent);
        this.head = { seq: s.record.seq, hash: s.record.hash };
        continue;
      }
      const rest = sent.slice(i);
      if (err !== null && /NOSCRIPT/.test(err.message)) {
        this.scriptLoaded = false;
        this.retry(rest);
      } else if (err !== null) {
        this.head = undefined;
        for (const { p } of rest) this.settle(p, auditUnavailable('refused', err));
      } else {
        this.head = this.latestHead(results.slice(i));
        this.retry(rest);
      }
      break;
    }
    await this.mirrorThenResolve(written);
  }

  /** The head reported by the last refused script of a pipeline (the most recent view of it). */
  private latestHead(results: Array<[Error | null, unknown]>): { seq: number; hash: string } | undefined {
    for (let i = results.length - 1; i >= 0; i--) {
      const reply = results[i]?.[1] as Reply | undefined;
      if (results[i]?.[0] === null && reply?.[0] === 0) return { seq: Number(reply[1]), hash: String(reply[2]) };
    }
    return undefined;
  }

  /** Queues records that lost the head to another writer again, first; they are chained anew on the next round. */
  private retry(rest: Sent[]): void {
    const again = rest.map(({ p }) => p).filter((p) => !p.settled);
    for (const p of again) p.attempts++;
    this.queue.unshift(...again);
  }

  private async mirrorThenResolve(written: Sent[]): Promise<void> {
    if (written.length === 0) return;
    try {
      // On record only once the replicas REDIS_URL asks for hold it (`?waitReplicas=N`): a failover cannot lose it.
      await confirmReplicated(this.o.redis);
    } catch (err) {
      for (const { p } of written) this.settle(p, auditUnavailable('refused', err));
      return;
    }
    if (this.o.mirror !== undefined) {
      try {
        await withTimeout(this.o.mirror.write(written.map(({ s }) => s.record)), this.o.writeTimeoutMs, () => auditUnavailable('timeout'));
      } catch (err) {
        for (const { p } of written) this.settle(p, auditUnavailable('file', err));
        return;
      }
    }
    for (const { p, s } of written) this.settle(p, s.record);
  }

  private settle(p: Pending, outcome: AuditRecord | Error): void {
    clearTimeout(p.timer);
    if (p.settled) return;
    p.settled = true;
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }
}
