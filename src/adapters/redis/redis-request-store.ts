import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { GraceProgress } from '../../core/grace/grace-progress';
import type { VerbResult } from '../../core/verb-result';
import type { Outcome } from '../../core/verb-result';
import { orderFanOutResults } from '../../core/fan-out/order-results';
import type { FanOutEnd, RequestHead, RequestProgress, RequestRecord, RequestStorePort, ResultTally } from '../../ports/request-store-port';
import { keys } from './keys';
import { confirmReplicated, NotReplicatedError } from './replica-wait';
import { luaScript } from './lua-script';
import { loadLua } from './lua/load-lua';

/** A result the replicas did not confirm is stored again after this long (the moment a failover's switch takes). */
const AGAIN_AFTER_MS = 1000;
/** Requests are kept a week: long enough for late results and late button presses. */
const TTL_SECONDS = 7 * 24 * 3600;

/**
 * Stores a host's result and keeps the count of results stored, in all and by outcome (no result is read or parsed),
 * so that a fan-out's delivery knows whether every host answered, and how, without reading them all on every event.
 */
const SAVE_RESULT = luaScript(loadLua('request-save-result').source);
/** Forgets a host's result, and its place in those counts. */
const REOPEN_HOST = luaScript(loadLua('request-reopen-host').source);

const OUTCOMES: readonly Outcome[] = ['ok', 'noop', 'failed', 'refused', 'unknown'];

/**
 * RequestStorePort on a Redis hash per request: `meta`, `parent`, `result:<host>`, `posted:<host>`, `done`, the
 * counts `results` and `tally:<outcome>`, and `end` (a fan-out ending early).
 */
export class RedisRequestStore implements RequestStorePort {
  constructor(private readonly redis: Redis) {}

  async create(record: RequestRecord): Promise<void> {
    const key = keys.request(record.requestId);
    const tx = this.redis.multi().hset(key, 'meta', JSON.stringify(record)).expire(key, TTL_SECONDS);
    if (record.fanOut !== undefined) tx.zadd(keys.fanOutsActive, record.createdAt, record.requestId);
    await tx.exec();
  }

  async setParent(requestId: string, ts: string): Promise<void> {
    await this.redis.hset(keys.request(requestId), 'parent', ts);
  }

  async get(requestId: string): Promise<RequestProgress | undefined> {
    const all = await this.redis.hgetall(keys.request(requestId));
    if (all.meta === undefined) return undefined;
    const progress: RequestProgress = {
      record: JSON.parse(all.meta) as RequestRecord,
      results: [],
      posted: new Set(),
      done: all.done !== undefined,
      grace: new Map(),
    };
    if (all.board !== undefined && all.board !== 'pending') progress.boardTs = all.board;
    if (all.parent !== undefined) progress.parentTs = all.parent;
    if (all.end !== undefined) progress.end = JSON.parse(all.end) as FanOutEnd;
    for (const [field, value] of Object.entries(all)) {
      if (field.startsWith('result:')) progress.results.push(JSON.parse(value) as VerbResult);
      else if (field.startsWith('posted:')) progress.posted.add(field.slice('posted:'.length));
      else if (field.startsWith('grace:')) progress.grace.set(field.slice('grace:'.length), JSON.parse(value) as GraceProgress);
    }
    progress.results = ordered(progress.record, progress.results);
    return progress;
  }

  async endEarly(requestId: string, end: FanOutEnd): Promise<void> {
    await this.redis.hsetnx(keys.request(requestId), 'end', JSON.stringify(end));
  }

  async tally(requestId: string): Promise<ResultTally> {
    const values = await this.redis.hmget(keys.request(requestId), 'results', ...OUTCOMES.map((o) => `tally:${o}`));
    const byOutcome: Partial<Record<Outcome, number>> = {};
    OUTCOMES.forEach((o, i) => {
      const n = Number(values[i + 1] ?? 0);
      if (n > 0) byOutcome[o] = n;
    });
    return { answered: Number(values[0] ?? 0), byOutcome };
  }

  async head(requestId: string): Promise<RequestHead | undefined> {
    const [meta, parent, done, end] = await this.redis.hmget(keys.request(requestId), 'meta', 'parent', 'done', 'end');
    if (meta === null || meta === undefined) return undefined;
    return {
      record: JSON.parse(meta) as RequestRecord,
      done: done !== null && done !== undefined,
      ...(parent !== null && parent !== undefined ? { parentTs: parent } : {}),
      ...(end !== null && end !== undefined ? { end: JSON.parse(end) as FanOutEnd } : {}),
    };
  }

  /**
   * Stores the result; when the replicas REDIS_URL asks for (`?waitReplicas=N`) do not confirm it, stores it again a
   * second later (idempotent: one result per host) and goes on. In a failover this connection may still write to the
   * old primary for a moment (it takes writes until Sentinel demotes it, then drops them) while the event that carried
   * the result is acknowledged on the new one: the second write lands on the new primary. Without a replica in sync
   * (a new primary before the old one rejoins) the second write is on the primary of the moment: kept.
   */
  async saveResult(requestId: string, result: VerbResult): Promise<number> {
    const args = [`result:${result.host}`, JSON.stringify(result), String(result.outcome)];
    const save = async () => Number(await SAVE_RESULT.run(this.redis, [keys.request(requestId)], args));
    const stored = await save();
    try {
      await confirmReplicated(this.redis);
      return stored;
    } catch (err) {
      if (!(err instanceof NotReplicatedError)) throw err;
      await sleep(AGAIN_AFTER_MS);
      return save();
    }
  }

  async markPosted(requestId: string, host: string | readonly string[], ts: string): Promise<void> {
    const hosts = typeof host === 'string' ? [host] : host;
    if (hosts.length === 0) return;
    await this.redis.hset(keys.request(requestId), Object.fromEntries(hosts.map((h) => [`posted:${h}`, ts])));
  }

  async markDone(requestId: string): Promise<boolean> {
    const replies = await this.redis
      .multi()
      .hsetnx(keys.request(requestId), 'done', String(Date.now()))
      .zrem(keys.fanOutsActive, requestId)
      // A request never stored (refused while Redis failed over) leaves no key without an expiry behind.
      .expire(keys.request(requestId), TTL_SECONDS, 'NX')
      .exec();
    const [err, first] = replies?.[0] ?? [new Error('the transaction was discarded'), 0];
    if (err) throw err;
    return first === 1;
  }

  async openFanOuts(acceptedBefore: number): Promise<string[]> {
    const ids = await this.redis.zrangebyscore(keys.fanOutsActive, '-inf', acceptedBefore, 'LIMIT', 0, 100);
    if (ids.length === 0) return [];
    // A request expired (a week) without being done leaves the list here.
    const found = (await this.redis.pipeline(ids.map((id) => ['exists', keys.request(id)])).exec()) ?? [];
    const gone = ids.filter((_, i) => found[i]?.[1] === 0);
    if (gone.length > 0) await this.redis.zrem(keys.fanOutsActive, ...gone);
    return ids.filter((id) => !gone.includes(id));
  }

  async saveGrace(requestId: string, progress: GraceProgress): Promise<void> {
    await this.redis.hset(keys.request(requestId), `grace:${progress.host}`, JSON.stringify(progress));
  }

  async claim(requestId: string, key: string): Promise<boolean> {
    return (await this.redis.hsetnx(keys.request(requestId), `claim:${key}`, '1')) === 1;
  }

  async claimTrigger(triggerId: string, requestId: string): Promise<string | undefined> {
    const key = keys.trigger(triggerId);
    if ((await this.redis.set(key, requestId, 'EX', 3600, 'NX')) === 'OK') return undefined;
    return (await this.redis.get(key)) ?? 'an earlier request';
  }

  async releaseTrigger(triggerId: string): Promise<void> {
    await this.redis.del(keys.trigger(triggerId));
  }

  async unclaim(requestId: string, key: string): Promise<void> {
    await this.redis.hdel(keys.request(requestId), `claim:${key}`);
  }

  async setBoard(requestId: string, ts: string): Promise<void> {
    await this.redis.hset(keys.request(requestId), 'board', ts);
  }

  async reopenHost(requestId: string, host: string): Promise<void> {
    await REOPEN_HOST.run(this.redis, [keys.request(requestId)], [host]);
  }
}

/** Results in the record's host order (inventory order); a fan-out's (no host list): failures first, then by name. */
function ordered(record: RequestRecord, results: VerbResult[]): VerbResult[] {
  if (record.hosts.length === 0) return orderFanOutResults(results);
  const rank = new Map(record.hosts.map((host, i) => [host, i]));
  return results.sort((a, b) => (rank.get(a.host) ?? -1) - (rank.get(b.host) ?? -1));
}
