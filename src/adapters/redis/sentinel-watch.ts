import { Redis } from 'ioredis';
import type { RedisFailover } from '../../ports/failover-log-port';
import type { RedisTarget } from './redis-target';

type SentinelTarget = Extract<RedisTarget, { kind: 'sentinel' }>;

/** A plain connection to one Sentinel (its own credentials, not the primary's). */
export function sentinelConnection(target: SentinelTarget, at: { host: string; port: number }, extra: { retry: boolean }): Redis {
  const o = target.options;
  return new Redis({
    host: at.host,
    port: at.port,
    ...(o.sentinelPassword !== undefined ? { password: o.sentinelPassword } : {}),
    ...(o.sentinelUsername !== undefined ? { username: o.sentinelUsername } : {}),
    ...(o.sentinelTLS !== undefined ? { tls: o.sentinelTLS } : {}),
    connectTimeout: 2000,
    maxRetriesPerRequest: extra.retry ? null : 1,
    ...(extra.retry ? {} : { retryStrategy: () => null, enableOfflineQueue: true, lazyConnect: true }),
  });
}

/** Reads `+switch-master` payloads: `<name> <old-ip> <old-port> <new-ip> <new-port>`. */
export function parseSwitchMaster(message: string, at: number): RedisFailover | undefined {
  const [name, oldIp, oldPort, newIp, newPort] = message.trim().split(/\s+/);
  if (name === undefined || oldPort === undefined || newPort === undefined) return undefined;
  return { at, name, from: `${oldIp ?? '?'}:${oldPort}`, to: `${newIp ?? '?'}:${newPort}` };
}

/**
 * Reads `+promoted-slave` payloads: `slave <ip:port> <ip> <port> @ <name> <master-ip> <master-port>`. Published by the
 * Sentinel that leads the failover as soon as the replica is primary, before `+switch-master` (which waits for the
 * other replicas' reconfiguration), while clients already reach the new primary: so a thread never misses it.
 */
export function parsePromoted(message: string, at: number): RedisFailover | undefined {
  const [kind, , ip, port, atSign, name, masterIp, masterPort] = message.trim().split(/\s+/);
  if (kind !== 'slave' || atSign !== '@' || name === undefined || masterPort === undefined) return undefined;
  return { at, name, from: `${masterIp ?? '?'}:${masterPort}`, to: `${ip ?? '?'}:${port ?? '?'}` };
}

/**
 * Listens to every Sentinel's `+promoted-slave` and `+switch-master` for the target's master name and calls `onSwitch` for each announcement
 * (the same switch comes once per Sentinel: the caller records it once). Returns the function that stops listening.
 */
export function watchSentinels(target: SentinelTarget, onSwitch: (f: RedisFailover) => void): () => void {
  const subscribers = target.sentinels.map((at) => {
    const sub = sentinelConnection(target, at, { retry: true });
    sub.on('error', () => undefined); // a Sentinel down: the others announce; this one resubscribes when back
    sub.on('message', (channel: string, message: string) => {
      const f = channel === '+promoted-slave' ? parsePromoted(message, Date.now()) : parseSwitchMaster(message, Date.now());
      if (f !== undefined && f.name === target.name) onSwitch(f);
    });
    void sub.subscribe('+promoted-slave', '+switch-master').catch(() => undefined);
    return sub;
  });
  return () => subscribers.forEach((s) => s.disconnect());
}

/**
 * The primary the Sentinels name now (`host:port`) and how many Sentinels answered with it, asking each in turn:
 * for the doctor and the failover test. Rejects with every Sentinel's error when none answers.
 */
export async function sentinelPrimary(target: SentinelTarget): Promise<{ primary: string; answered: string[]; errors: string[] }> {
  const answers = new Map<string, string[]>();
  const errors: string[] = [];
  for (const at of target.sentinels) {
    const s = sentinelConnection(target, at, { retry: false });
    const where = `${at.host}:${at.port}`;
    try {
      await s.connect();
      const reply = (await s.call('SENTINEL', 'get-master-addr-by-name', target.name)) as [string, string] | null;
      if (reply === null) errors.push(`${where}: does not monitor "${target.name}"`);
      else answers.set(`${reply[0]}:${reply[1]}`, [...(answers.get(`${reply[0]}:${reply[1]}`) ?? []), where]);
    } catch (err) {
      errors.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      s.disconnect();
    }
  }
  const best = [...answers.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  if (best === undefined) throw new Error(`no Sentinel named the primary of "${target.name}" (${errors.join('; ')})`);
  return { primary: best[0], answered: best[1], errors };
}
