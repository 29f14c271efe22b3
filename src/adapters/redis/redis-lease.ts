import type { Redis } from 'ioredis';
import type { LeasePort } from '../../ports/lease-port';
import { keys } from './keys';
import { loadLua } from './lua/load-lua';
import { luaScript } from './lua-script';

const acquireScript = luaScript(loadLua('lease-acquire').source);
const renewScript = luaScript(loadLua('lease-renew').source);
const releaseScript = luaScript(loadLua('lease-release').source);

/** Leases in Redis: SET NX PX with the holder's token; renew and release compare the token first (each one script). */
export class RedisLease implements LeasePort {
  constructor(private readonly redis: Redis) {}

  async acquire(name: string, token: string, ttlMs: number): Promise<boolean> {
    return (await acquireScript.run(this.redis, [keys.lease(name)], [token, String(ttlMs)])) === 1;
  }

  async renew(name: string, token: string, ttlMs: number): Promise<boolean> {
    return (await renewScript.run(this.redis, [keys.lease(name)], [token, String(ttlMs)])) === 1;
  }

  async release(name: string, token: string): Promise<void> {
    await releaseScript.run(this.redis, [keys.lease(name)], [token]);
  }
}
