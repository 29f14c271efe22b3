import type { Redis } from 'ioredis';
import type { Plan } from '../../core/rollout/plan';
import type { RolloutHost, RolloutRecord, RolloutState, RolloutStorePort } from '../../ports/rollout-store-port';
import { keys } from './keys';
import { loadLua } from './lua/load-lua';

const KEEP_SECONDS = 30 * 24 * 3600;

/** KEYS: rollout hash, active set. ARGV: id, ttl, then field/value pairs. 0 when the rollout exists already. */
const CREATE = loadLua('rollout-create');

/** KEYS: rollout hash, active set. ARGV: id, to, allowed-from (comma list), then field/value pairs. */
const TRANSITION = loadLua('rollout-transition');

/** KEYS: rollout hash. ARGV: field, json, at. Writes the host state unless a newer one is there. */
const SET_HOST = loadLua('rollout-set-host');

/** RolloutStorePort on Redis: one hash per rollout (`plan`, `state`, `batch`, `host:<name>`, ...). */
export class RedisRolloutStore implements RolloutStorePort {
  constructor(private readonly redis: Redis) {}

  async create(r: RolloutRecord): Promise<boolean> {
    const key = keys.rollout(r.plan.id);
    const fields: Record<string, string> = {
      plan: JSON.stringify(r.plan),
      state: r.state,
      batch: String(r.batch),
      startedAt: String(r.startedAt),
      approvedBy: JSON.stringify(r.approvedBy),
    };
    for (const [host, state] of Object.entries(r.hosts)) fields[`host:${host}`] = JSON.stringify(state);
    return (
      Number(
        await this.redis.eval(
          CREATE.source,
          2,
          key,
          keys.rolloutsActive,
          r.plan.id,
          String(KEEP_SECONDS),
          ...Object.entries(fields).flat(),
        ),
      ) === 1
    );
  }

  async get(id: string): Promise<RolloutRecord | undefined> {
    const all = await this.redis.hgetall(keys.rollout(id));
    if (all.plan === undefined) return undefined;
    const hosts: Record<string, RolloutHost> = {};
    for (const [field, value] of Object.entries(all))
      if (field.startsWith('host:')) hosts[field.slice(5)] = JSON.parse(value) as RolloutHost;
    const record: RolloutRecord = {
      plan: JSON.parse(all.plan) as Plan,
      state: (all.state ?? 'running') as RolloutState,
      batch: Number(all.batch ?? 0),
      hosts,
      startedAt: Number(all.startedAt ?? 0),
      approvedBy: JSON.parse(all.approvedBy ?? '[]') as string[],
    };
    if (all.statusTs !== undefined) record.statusTs = all.statusTs;
    if (all.reason !== undefined) record.reason = all.reason;
    if (all.endedAt !== undefined) record.endedAt = Number(all.endedAt);
    return record;
  }

  async setHost(id: string, host: string, state: RolloutHost): Promise<void> {
    await this.redis.eval(SET_HOST.source, 1, keys.rollout(id), `host:${host}`, JSON.stringify(state), String(state.at));
  }

  async transition(
    id: string,
    from: readonly RolloutState[],
    to: RolloutState,
    fields: { batch?: number; reason?: string; endedAt?: number } = {},
  ): Promise<boolean> {
    const pairs: string[] = [];
    if (fields.batch !== undefined) pairs.push('batch', String(fields.batch));
    if (fields.reason !== undefined) pairs.push('reason', fields.reason);
    if (fields.endedAt !== undefined) pairs.push('endedAt', String(fields.endedAt));
    return (
      Number(await this.redis.eval(TRANSITION.source, 2, keys.rollout(id), keys.rolloutsActive, id, to, from.join(','), ...pairs)) === 1
    );
  }

  async setStatusTs(id: string, ts: string): Promise<void> {
    await this.redis.hset(keys.rollout(id), 'statusTs', ts);
  }

  async active(): Promise<string[]> {
    return this.redis.smembers(keys.rolloutsActive);
  }

  async requestStopNow(id: string, by: string): Promise<void> {
    await this.redis.set(keys.rolloutStopNow(id), by, 'EX', KEEP_SECONDS);
  }
}
