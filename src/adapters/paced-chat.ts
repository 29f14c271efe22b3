import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatMessage } from '../core/command';
import type { ChatPort, PostedMessage, UpdateOptions } from '../ports/chat-port';
import type { RateCharge, RateGate, RateLimit } from '../ports/rate-gate-port';
import { LocalRateGate } from './pacing/local-rate-gate';

/**
 * Limits of {@link PacedChat}, after Slack's (https://docs.slack.dev/apis/web-api/rate-limits): chat.postMessage about
 * one per second per channel with short bursts (special tier), chat.update Tier 3 (50+ per minute), chat.postEphemeral
 * Tier 4 (100+ per minute); tiers are per method, per app, per workspace.
 */
export interface PaceOptions {
  /** Posts a channel may burst before pacing starts. @defaultValue 5 */
  burst?: number;
  /** Steady posts per channel: one per this many ms. @defaultValue 1000 */
  postIntervalMs?: number;
  /** Edits of one message: at most one per this many ms, coalesced to the latest content. @defaultValue 2000 */
  updateIntervalMs?: number;
  /** Where turns are booked: shared by the replicas (Redis) or this process's. @defaultValue in memory */
  gate?: RateGate;
}

/** The app's method tiers, shared by every channel: chat.update Tier 3 (50/min), chat.postEphemeral Tier 4 (100/min). */
export const METHOD_LIMITS: Readonly<Record<'chat.postMessage' | 'chat.update' | 'chat.postEphemeral', RateLimit>> = {
  // Special tier: per channel (below), plus a workspace-wide limit Slack does not publish; 300/min stays well under.
  'chat.postMessage': { intervalMs: 200, burst: 20 },
  'chat.update': { intervalMs: 1200, burst: 10 },
  'chat.postEphemeral': { intervalMs: 600, burst: 10 },
};

/** The gate key of a method's tier (what a 429 on that method holds). */
export const methodKey = (method: string): string => `method:${method}`;

interface PendingUpdate {
  message: ChatMessage;
  /** The latest content's staleness check (UpdateOptions.stale). */
  stale?: () => Promise<boolean>;
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
  /** Ends the wait for a turn once the content went with another (a milestone's, drain's). */
  waiting: AbortController;
}

/**
 * A ChatPort decorator that keeps the bot within Slack's rate limits, booking each call's turn at a {@link RateGate}
 * (shared through Redis by the bot's replicas): thread replies paced per channel and by chat.postMessage's tier,
 * message edits coalesced to the latest state at most every 2 s per message and paced by chat.update's tier (an edit
 * asked for `now`, a milestone's, skips the per-message spacing, not the tier), ephemerals by their tier. Every
 * caller's promise settles when its content (or newer content for the same message) was delivered, or rejects with the
 * chat's error, so callers that retry on failure lose nothing. Edits keep coalescing while their turn comes.
 */
export class PacedChat implements ChatPort {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly pending = new Map<string, PendingUpdate>();
  private readonly postLimit: RateLimit;
  private readonly editLimit: RateLimit;
  private readonly gate: RateGate;

  constructor(
    private readonly inner: ChatPort,
    options: PaceOptions = {},
  ) {
    this.postLimit = { intervalMs: options.postIntervalMs ?? 1000, burst: options.burst ?? 5 };
    this.editLimit = { intervalMs: options.updateIntervalMs ?? 2000, burst: 1 };
    this.gate = options.gate ?? new LocalRateGate();
  }

  post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage> {
    // One chain per channel: this process's replies keep their order.
    const run = (this.chains.get(channel) ?? Promise.resolve()).then(async () => {
      await this.turn([
        { key: `post:${channel}`, limit: this.postLimit },
        { key: methodKey('chat.postMessage'), limit: METHOD_LIMITS['chat.postMessage'] },
      ]);
      return this.inner.post(channel, message, threadTs);
    });
    const tail = run.catch(() => undefined);
    this.chains.set(channel, tail);
    void tail.then(() => {
      if (this.chains.get(channel) === tail) this.chains.delete(channel);
    });
    return run;
  }

  update(channel: string, ts: string, message: ChatMessage, options: UpdateOptions = {}): Promise<void> {
    const key = `${channel}/${ts}`;
    return new Promise<void>((resolve, reject) => {
      const existing = this.pending.get(key);
      if (existing) {
        existing.message = message;
        existing.stale = options.stale;
        existing.waiters.push({ resolve, reject });
        // A milestone does not wait for the turn already booked: it books one without the per-message spacing.
        if (options.now === true) void this.flush(channel, ts, key, true);
        return;
      }
      this.pending.set(key, { message, waiters: [{ resolve, reject }], waiting: new AbortController(), stale: options.stale });
      void this.flush(channel, ts, key, options.now === true);
    });
  }

  async postEphemeral(channel: string, userId: string, message: ChatMessage): Promise<void> {
    await this.turn([{ key: methodKey('chat.postEphemeral'), limit: METHOD_LIMITS['chat.postEphemeral'] }]);
    return this.inner.postEphemeral(channel, userId, message);
  }

  /** Sends the edits still waiting now (at shutdown), rather than dropping them. */
  async drain(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((key) => this.send(key)));
  }

  private async turn(charges: RateCharge[], signal?: AbortSignal): Promise<void> {
    const wait = await this.gate.reserve(charges);
    if (wait > 0) await sleep(wait, undefined, signal !== undefined ? { signal } : {});
  }

  /** Waits for the message's turn (its 2 s spacing unless `now`, and chat.update's tier), then sends the latest content. */
  private async flush(channel: string, ts: string, key: string, now: boolean): Promise<void> {
    const tier = { key: methodKey('chat.update'), limit: METHOD_LIMITS['chat.update'] };
    const signal = now ? undefined : this.pending.get(key)?.waiting.signal;
    try {
      await this.turn(now ? [tier] : [{ key: `edit:${key}`, limit: this.editLimit }, tier], signal);
    } catch {
      // Aborted: the content already went. Or a gate that throws (it falls back on its own): the edit is not held back.
    }
    if (signal?.aborted !== true) await this.send(key);
  }

  private async send(key: string): Promise<void> {
    const entry = this.pending.get(key);
    if (!entry) return; // already sent with a milestone's turn, or at drain
    this.pending.delete(key);
    entry.waiting.abort();
    const slash = key.indexOf('/');
    try {
      // Superseded while it waited its turn (a summary sent meanwhile, by this replica or another): not sent.
      if (!(await isStale(entry))) await this.inner.update(key.slice(0, slash), key.slice(slash + 1), entry.message);
      for (const w of entry.waiters) w.resolve();
    } catch (err) {
      for (const w of entry.waiters) w.reject(err);
    }
  }
}

/** Whether a held edit was superseded; a check that fails counts as not stale (the edit goes: never lose content). */
async function isStale(entry: PendingUpdate): Promise<boolean> {
  return entry.stale === undefined ? false : entry.stale().catch(() => false);
}
