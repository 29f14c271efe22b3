import type { RedisOptions } from 'ioredis';
import type { ReplicaWait } from './replica-wait';

/** The scheme of a Redis reached through Sentinel. */
export const SENTINEL_SCHEME = 'redis+sentinel:';

/** The form of a Sentinel REDIS_URL, for error messages and docs. */
export const SENTINEL_FORM =
  'redis+sentinel://[USER:PASSWORD@]HOST1:26379,HOST2:26379/MASTER_NAME[/DB][?sentinelPassword=…&sentinelUsername=…&tls=true&waitReplicas=1&waitTimeoutMs=1000]';

/** Where a REDIS_URL points: one Redis (ioredis takes the URL as it is), or a primary that Sentinel names. */
export type RedisTarget =
  | { kind: 'direct'; url: string }
  | {
      kind: 'sentinel';
      /** The master name Sentinel monitors (`sentinel monitor <name> …`). */
      name: string;
      sentinels: { host: string; port: number }[];
      /** ioredis options: sentinels, name, role master, password, db, failover handling. */
      options: RedisOptions;
      /** `?waitReplicas=N[&waitTimeoutMs=T]`: writes that must survive a failover wait for N replicas (Redis WAIT). */
      wait?: ReplicaWait;
    };

/** A REDIS_URL that cannot be used: the message says what is wrong and never holds a password. */
export class RedisTargetError extends Error {}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new RedisTargetError('REDIS_URL has a badly percent-encoded part');
  }
};

function parseHosts(list: string): { host: string; port: number }[] {
  return list.split(',').map((part) => {
    const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(part.trim());
    if (m === null || m[1] === undefined)
      throw new RedisTargetError(`REDIS_URL: "${part}" is not a Sentinel HOST[:PORT]; write ${SENTINEL_FORM}`);
    const port = m[2] === undefined ? 26379 : Number(m[2]);
    if (port < 1 || port > 65535) throw new RedisTargetError(`REDIS_URL: Sentinel port ${port} is out of range`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    params.set(decode(eq < 0 ? pair : pair.slice(0, eq)), eq < 0 ? '' : decode(pair.slice(eq + 1)));
  }
  return params;
}

/** The userinfo, the host list, the path and the query of a `redis+sentinel://` URL (userinfo ends at the last `@`). */
function splitSentinelUrl(url: string): { user?: string; password?: string; hosts: string; path: string[]; query: string } {
  const rest = url.slice(SENTINEL_SCHEME.length + 2);
  const q = rest.indexOf('?');
  const beforeQuery = q < 0 ? rest : rest.slice(0, q);
  const at = beforeQuery.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : beforeQuery.slice(0, at);
  const location = at < 0 ? beforeQuery : beforeQuery.slice(at + 1);
  const slash = location.indexOf('/');
  const hosts = slash < 0 ? location : location.slice(0, slash);
  const path =
    slash < 0
      ? []
      : location
          .slice(slash + 1)
          .split('/')
          .filter((p) => p !== '');
  const out: { user?: string; password?: string; hosts: string; path: string[]; query: string } = {
    hosts,
    path,
    query: q < 0 ? '' : rest.slice(q + 1),
  };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = decode(colon < 0 ? '' : userinfo.slice(0, colon));
    const password = decode(colon < 0 ? userinfo : userinfo.slice(colon + 1));
    if (user !== '') out.user = user;
    if (password !== '') out.password = password;
  }
  return out;
}

function replicaWait(params: Map<string, string>): ReplicaWait | undefined {
  const replicas = params.get('waitReplicas');
  if (replicas === undefined) return undefined;
  const timeout = params.get('waitTimeoutMs') ?? '1000';
  if (!/^\d+$/.test(replicas) || !/^\d+$/.test(timeout) || Number(timeout) === 0) {
    throw new RedisTargetError('REDIS_URL: waitReplicas and waitTimeoutMs must be whole numbers (waitTimeoutMs above 0)');
  }
  return { replicas: Number(replicas), timeoutMs: Number(timeout) };
}

function sentinelTarget(url: string): RedisTarget {
  const parts = splitSentinelUrl(url);
  const [name, db, extra] = parts.path;
  if (name === undefined || extra !== undefined)
    throw new RedisTargetError(`REDIS_URL needs the master name after the Sentinels: ${SENTINEL_FORM}`);
  if (db !== undefined && !/^\d+$/.test(db))
    throw new RedisTargetError(`REDIS_URL: database "${db}" is not a number; write ${SENTINEL_FORM}`);
  const sentinels = parseHosts(parts.hosts);
  const params = parseQuery(parts.query);
  const tls = params.get('tls') === 'true' || params.get('tls') === '1';
  const options: RedisOptions = {
    sentinels,
    name: decode(name),
    role: 'master',
    // Sentinel publishes +switch-master: reconnect to the new primary at once rather than on the next error.
    failoverDetector: true,
    // A command that reached the old primary after it was demoted: reconnect (through Sentinel) and resend it.
    reconnectOnError: (err: Error) => (/^READONLY/.test(err.message) ? 2 : false),
    ...(db !== undefined ? { db: Number(db) } : {}),
    ...(parts.user !== undefined ? { username: parts.user } : {}),
    ...(parts.password !== undefined ? { password: parts.password } : {}),
    ...(params.has('sentinelPassword') ? { sentinelPassword: params.get('sentinelPassword') } : {}),
    ...(params.has('sentinelUsername') ? { sentinelUsername: params.get('sentinelUsername') } : {}),
    ...(tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
  };
  const wait = replicaWait(params);
  return { kind: 'sentinel', name: decode(name), sentinels, options, ...(wait !== undefined ? { wait } : {}) };
}

/**
 * Reads a REDIS_URL: `redis://…` and `rediss://…` (one Redis, as ioredis reads them) or
 * `redis+sentinel://[USER:PASSWORD@]HOST1:26379,HOST2:26379/MASTER_NAME[/DB][?sentinelPassword=…]` (the primary Sentinel
 * names; the userinfo is the primary's credentials, `sentinelPassword` the Sentinels' own). Throws RedisTargetError.
 */
export function redisTarget(url: string): RedisTarget {
  if (url.startsWith(`${SENTINEL_SCHEME}//`)) return sentinelTarget(url);
  if (/^rediss?:\/\//.test(url)) return { kind: 'direct', url };
  throw new RedisTargetError(`REDIS_URL must start with redis://, rediss:// or redis+sentinel:// (${SENTINEL_FORM})`);
}
