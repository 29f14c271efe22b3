import type { Redis } from 'ioredis';
import type { GraceProgress } from '../../core/grace/grace-progress';
import type { VerbResult } from '../../core/verb-result';
import type { RequestHead, RequestProgress, RequestRecord, RequestStorePort } from '../../ports/request-store-port';
import { keys } from './keys';
import { luaScript } from './lua-script';
import { loadLua } from './lua/load-lua';

/** Requests are kept a week: long enough for late results and late button presses. */
const TTL_SECONDS = 7 * 24 * 3600;

/**
 * Stores a host's result and counts the results stored (field names only: no result is read or parsed), so that a
 * fan-out's delivery knows whether every host answered without reading them all on every event.
 */
const SAVE_RESULT = luaScript(loadLua('request-save-result').source);

/** RequestStorePort on a Redis hash per request: `meta`, `parent`, `result:<host>`, `posted:<host>`, `done`. */
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
    if (all.expected !== undefined) progress.expected = Number(all.expected);
    const order = progress.record.hosts;
    for (const [field, value] of Object.entries(all)) {
      if (field.startsWith('result:')) progress.results.push(JSON.parse(value) as VerbResult);
      else if (field.startsWith('posted:')) progress.posted.add(field.slice('posted:'.length));
      else if (field.startsWith('grace:')) progress.grace.set(field.slice('grace:'.length), JSON.parse(value) as GraceProgress);
    }
    const rank = new Map(order.map((host, i) => [host, i]));
    progress.results.sort((a, b) => (rank.get(a.host) ?? -1) - (rank.get(b.host) ?? -1));
    return progress;
  }

  async head(requestId: string): Promise<RequestHead | undefined> {
    const [meta, parent, done, expected] = await this.redis.hmget(keys.request(requestId), 'meta', 'parent', 'done', 'expected');
    if (meta === null || meta === undefined) return undefined;
    return {
      record: JSON.parse(meta) as RequestRecord,
      done: done !== null && done !== undefined,
      ...(parent !== null && parent !== undefined ? { parentTs: parent } : {}),
      ...(expected !== null && expected !== undefined ? { expected: Number(expected) } : {}),
    };
  }

  async saveResult(requestId: string, result: VerbResult): Promise<number> {
    return Number(await SAVE_RESULT.run(this.redis, [keys.request(requestId)], [`result:${result.host}`, JSON.stringify(result)]));
  }

  async markPosted(requestId: string, host: string, ts: string): Promise<void> {
    await this.redis.hset(keys.request(requestId), `posted:${host}`, ts);
  }

  async markDone(requestId: string): Promise<boolean> {
    const replies = await this.redis
      .multi()
      .hsetnx(keys.request(requestId), 'done', String(Date.now()))
      .zrem(keys.fanOutsActive, requestId)
      .exec();
    const [err, first] = replies?.[0] ?? [new Error('the transaction was discarded'), 0];
    if (err) throw err;
    return first === 1;
  }

  async expectResults(requestId: string, count: number): Promise<void> {
    await this.redis.hset(keys.request(requestId), 'expected', String(count));
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
    await this.redis.hdel(keys.request(requestId), `result:${host}`, `posted:${host}`, 'done');
  }
}
