import type { Redis } from 'ioredis';
import type { RateCharge, RateGate } from '../../ports/rate-gate-port';
import { keys } from './keys';
import { loadLua } from './lua/load-lua';
import { luaScript } from './lua-script';

const reserveScript = luaScript(loadLua('pace-reserve').source);
const holdScript = luaScript(loadLua('pace-hold').source);

/**
 * The {@link RateGate} every bot replica shares: one Lua script per booking, on the Redis clock (replicas' clocks may
 * differ). Use a fail-fast connection (no offline queue): a Redis that is away rejects at once rather than queueing.
 */
export class RedisRateGate implements RateGate {
  constructor(private readonly redis: Redis) {}

  async reserve(charges: readonly RateCharge[]): Promise<number> {
    const ks = charges.flatMap((c) => [keys.pace(c.key), keys.pace(`${c.key}:hold`)]);
    const args = charges.flatMap((c) => [String(c.limit.intervalMs), String(c.limit.burst)]);
    const wait = await reserveScript.run(this.redis, ks, args);
    if (typeof wait !== 'number') throw new Error(`pace-reserve answered ${JSON.stringify(wait)}, not a wait in ms`);
    return wait;
  }

  async hold(ks: readonly string[], ms: number): Promise<void> {
    await holdScript.run(
      this.redis,
      ks.map((k) => keys.pace(`${k}:hold`)),
      [String(Math.ceil(ms))],
    );
  }
}
