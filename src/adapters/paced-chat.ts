import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatMessage } from '../core/command';
import type { ChatPort, PostedMessage } from '../ports/chat-port';

/** Limits of {@link PacedChat}; Slack's: chat.postMessage ~1/s per channel (short bursts pass), chat.update Tier 3. */
export interface PaceOptions {
  /** Posts a channel may burst before pacing starts. @defaultValue 5 */
  burst?: number;
  /** Steady posts per channel: one per this many ms. @defaultValue 1000 */
  postIntervalMs?: number;
  /** Edits of one message: at most one per this many ms, coalesced to the latest content. @defaultValue 2000 */
  updateIntervalMs?: number;
}

interface PendingUpdate {
  message: ChatMessage;
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
  timer?: NodeJS.Timeout;
}

/**
 * A ChatPort decorator that keeps the bot within Slack's rate limits: thread replies paced per channel (token
 * bucket), message edits coalesced to the latest state at most every 2 s (an edit asked for `now`, a milestone's, goes
 * at once: a few per drain, well within chat.update's tier). Every caller's promise settles when its
 * content (or newer content for the same message) was delivered, or rejects with the chat's error, so callers that
 * retry on failure lose nothing. State is per channel and per message being edited: bounded, whatever a drain's length.
 */
export class PacedChat implements ChatPort {
  private readonly buckets = new Map<string, { tokens: number; at: number; chain: Promise<unknown> }>();
  private readonly lastUpdate = new Map<string, number>();
  private readonly pending = new Map<string, PendingUpdate>();
  private readonly burst: number;
  private readonly postIntervalMs: number;
  private readonly updateIntervalMs: number;

  constructor(
    private readonly inner: ChatPort,
    options: PaceOptions = {},
  ) {
    this.burst = options.burst ?? 5;
    this.postIntervalMs = options.postIntervalMs ?? 1000;
    this.updateIntervalMs = options.updateIntervalMs ?? 2000;
  }

  post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage> {
    const bucket = this.buckets.get(channel) ?? { tokens: this.burst, at: Date.now(), chain: Promise.resolve() };
    this.buckets.set(channel, bucket);
    const run = bucket.chain.then(async () => {
      const now = Date.now();
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) / this.postIntervalMs);
      bucket.at = now;
      if (bucket.tokens < 1) {
        await sleep((1 - bucket.tokens) * this.postIntervalMs);
        bucket.tokens = 1;
        bucket.at = Date.now();
      }
      bucket.tokens -= 1;
      return this.inner.post(channel, message, threadTs);
    });
    bucket.chain = run.catch(() => undefined);
    return run;
  }

  update(channel: string, ts: string, message: ChatMessage, options: { now?: boolean } = {}): Promise<void> {
    const key = `${channel}/${ts}`;
    return new Promise<void>((resolve, reject) => {
      const existing = this.pending.get(key);
      if (existing) {
        existing.message = message;
        existing.waiters.push({ resolve, reject });
        if (options.now === true) {
          clearTimeout(existing.timer);
          void this.flush(channel, ts, key);
        }
        return;
      }
      const entry: PendingUpdate = { message, waiters: [{ resolve, reject }] };
      this.pending.set(key, entry);
      const wait = options.now === true ? 0 : Math.max(0, (this.lastUpdate.get(key) ?? 0) + this.updateIntervalMs - Date.now());
      entry.timer = setTimeout(() => void this.flush(channel, ts, key), wait);
    });
  }

  postEphemeral(channel: string, userId: string, message: ChatMessage): Promise<void> {
    return this.inner.postEphemeral(channel, userId, message);
  }

  /** Sends the edits still waiting now (at shutdown), rather than dropping them. */
  async drain(): Promise<void> {
    const waiting = [...this.pending.entries()];
    await Promise.all(
      waiting.map(([key, entry]) => {
        clearTimeout(entry.timer);
        const [channel, ts] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
        return this.flush(channel, ts, key);
      }),
    );
  }

  private async flush(channel: string, ts: string, key: string): Promise<void> {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.pending.delete(key);
    this.lastUpdate.set(key, Date.now());
    try {
      await this.inner.update(channel, ts, entry.message);
      for (const w of entry.waiters) w.resolve();
    } catch (err) {
      for (const w of entry.waiters) w.reject(err);
    }
    // Forget messages not edited for a while (bounded memory over long drains).
    if (this.lastUpdate.size > 1000) {
      const old = Date.now() - 10 * this.updateIntervalMs;
      for (const [k, at] of this.lastUpdate) if (at < old) this.lastUpdate.delete(k);
    }
  }
}
