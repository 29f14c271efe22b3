import type { Redis } from 'ioredis';
import { keys } from './keys';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A per-host mutex in Redis (SET NX PX with an owner token): one job at a time per host, whatever the workers. It is
 * taken together with the host's FIFO turn (take-host-turn.ts); here it is renewed and released.
 */
export class HostLock {
  constructor(private readonly redis: Redis) {}

  async renew(host: string, owner: string, ttlMs: number): Promise<boolean> {
    return Number(await this.redis.eval(RENEW, 1, keys.hostLock(host), owner, String(ttlMs))) === 1;
  }

  async release(host: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, keys.hostLock(host), owner);
  }
}
