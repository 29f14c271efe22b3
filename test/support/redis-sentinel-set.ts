import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { findProgram } from './ensure-packages';
import { allocatePorts, releasePorts } from './free-port';
import { isProcessAlive } from './process-table';
import { pingRedis } from './redis-ping';
import { signalProcess, stopProcess } from './stop-process';
import { waitUntil } from './wait-until';

/** One process of a {@link SentinelSet}: a Redis (primary or replica) or a Sentinel. */
interface Member {
  port: number;
  pid: number;
  log: string;
}

/** A primary, a replica and three Sentinels (quorum 2), real processes on loopback, started by this process. */
export interface SentinelSet {
  /** The master name the Sentinels monitor. */
  readonly name: string;
  /** `redis+sentinel://127.0.0.1:S1,…/NAME/DB` for a database. */
  url(db: number): string;
  /** The Redis ports (the first started as primary) and the Sentinel ports. */
  readonly redisPorts: readonly number[];
  readonly sentinelPorts: readonly number[];
  /** `127.0.0.1:PORT` of the primary the Sentinels name now. */
  primary(): Promise<string>;
  /** `SENTINEL FAILOVER` (the replica promoted, the primary demoted); resolves once the Sentinels name the new primary. */
  failover(): Promise<{ from: string; to: string; ms: number }>;
  /** SIGKILL of the primary; resolves once the Sentinels promoted the replica (down-after 1 s + election). */
  killPrimary(): Promise<{ from: string; to: string; ms: number }>;
  /** Resolves once the primary has its replica connected and caught up (so that the next failover loses nothing). */
  synced(): Promise<void>;
  /** Tail of every member's log (for failure messages). */
  logs(): string;
  /** Stops every process (SIGTERM, then SIGKILL) and frees the ports. Idempotent. */
  stop(): Promise<void>;
}

const tail = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-12).join('\n');
  } catch {
    return '(no log)';
  }
};

function launch(binary: string, args: string[], dir: string, port: number, log: string): Member {
  const child = spawn(binary, args, { cwd: dir, detached: true, stdio: 'ignore' });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not spawn ${binary} on port ${port}`);
  return { port, pid: child.pid, log };
}

function redisArgs(dir: string, port: number, log: string, replicaOf?: number): string[] {
  const base = ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'no', '--daemonize', 'no', '--dir', dir];
  // A demoted primary resyncs at once (no 5 s wait for more replicas to share a diskless transfer).
  const rest = ['--logfile', log, '--save', '', '--appendonly', 'no', '--databases', '64', '--dbfilename', `dump-${port}.rdb`];
  rest.push('--repl-diskless-sync-delay', '0');
  return [...base, ...rest, ...(replicaOf !== undefined ? ['--replicaof', '127.0.0.1', String(replicaOf)] : [])];
}

function sentinelConfig(dir: string, name: string, port: number, primary: number): string {
  const file = path.join(dir, `sentinel-${port}.conf`);
  fs.writeFileSync(
    file,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'protected-mode no',
      `dir ${dir}`,
      `logfile ${path.join(dir, `sentinel-${port}.log`)}`,
      `sentinel monitor ${name} 127.0.0.1 ${primary} 2`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 10000`,
      `sentinel parallel-syncs ${name} 1`,
      '',
    ].join('\n'),
  );
  return file;
}

async function sentinelPrimary(port: number, name: string): Promise<string | undefined> {
  const s = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  s.on('error', () => undefined);
  try {
    await s.connect();
    const reply = (await s.call('SENTINEL', 'get-master-addr-by-name', name)) as [string, string] | null;
    return reply === null ? undefined : `${reply[0]}:${reply[1]}`;
  } catch {
    return undefined;
  } finally {
    s.disconnect();
  }
}

/** The primary's replica count as the primary itself sees it (INFO replication: connected_slaves). */
async function connectedReplicas(port: number): Promise<number> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return Number(/connected_slaves:(\d+)/.exec(await r.info('replication'))?.[1] ?? 0);
  } catch {
    return 0;
  } finally {
    r.disconnect();
  }
}

/**
 * Starts a primary, its replica and three Sentinels on free ports under `dir`, and resolves once the replica is in
 * sync and every Sentinel knows the replica and the other Sentinels (so that a failover can start at once).
 */
export async function startSentinelSet(o: { dir: string; name?: string }): Promise<SentinelSet> {
  const binary = findProgram('redis-server');
  if (!binary) throw new Error('redis-server is not installed (apt-get install -y redis-server redis-sentinel)');
  const name = o.name ?? 'srs-chatops';
  fs.mkdirSync(o.dir, { recursive: true });
  const ports = await allocatePorts(5);
  const [p0 = 0, p1 = 0, ...sentinelPorts] = ports;
  const members: Member[] = [];
  let stopped = false;
  const logs = () => members.map((m) => `--- ${m.port} (${m.log})\n${tail(m.log)}`).join('\n');
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const m of members) await stopProcess(m.pid, { signal: 'SIGTERM', graceMs: 3000 });
    releasePorts(ports);
  };
  try {
    for (const [port, of] of [
      [p0, undefined],
      [p1, p0],
    ] as const) {
      const log = path.join(o.dir, `redis-${port}.log`);
      members.push(launch(binary, redisArgs(o.dir, port, log, of), o.dir, port, log));
      await waitUntil(() => pingRedis(port), { timeoutMs: 10_000, intervalMs: 20, description: `redis-server on port ${port}` });
    }
    await waitUntil(async () => (await connectedReplicas(p0)) === 1 && (await replicationLag(p0)) === 0, {
      timeoutMs: 10_000,
      description: 'replica online and in sync',
    });
    for (const port of sentinelPorts) {
      const conf = sentinelConfig(o.dir, name, port, p0);
      members.push(launch(binary, [conf, '--sentinel'], o.dir, port, path.join(o.dir, `sentinel-${port}.log`)));
    }
    await waitUntil(async () => (await Promise.all(sentinelPorts.map((p) => sentinelsReady(p, name)))).every(Boolean), {
      timeoutMs: 20_000,
      intervalMs: 200,
      description: 'Sentinels know the replica and each other',
    });
  } catch (err) {
    const text = logs();
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${text}`);
  }
  const primary = async (): Promise<string> => {
    for (const p of sentinelPorts) {
      const answer = await sentinelPrimary(p, name);
      if (answer !== undefined) return answer;
    }
    throw new Error(`no Sentinel names a primary\n${logs()}`);
  };
  const switched = async (from: string, started: number) => {
    let to = from;
    await waitUntil(
      async () => {
        const names = await Promise.all(sentinelPorts.map((p) => sentinelPrimary(p, name)));
        to = names[0] ?? from;
        return to !== from && names.every((n) => n === to) && pingRedis(Number(to.split(':')[1]));
      },
      { timeoutMs: 30_000, intervalMs: 50, description: `Sentinels to promote a new primary (was ${from})` },
    );
    return { from, to, ms: Date.now() - started };
  };
  return {
    name,
    url: (db) => `redis+sentinel://${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/${name}/${db}`,
    redisPorts: [p0, p1],
    sentinelPorts,
    primary,
    logs,
    stop,
    synced: async () => {
      const port = Number((await primary()).split(':')[1]);
      await waitUntil(async () => (await replicationLag(port)) === 0, {
        timeoutMs: 30_000,
        intervalMs: 100,
        description: 'replica caught up',
      });
    },
    failover: async () => {
      const from = await primary();
      const started = Date.now();
      const s = new Redis({ port: sentinelPorts[0] ?? 0, host: '127.0.0.1' });
      try {
        await s.call('SENTINEL', 'FAILOVER', name);
      } finally {
        s.disconnect();
      }
      return switched(from, started);
    },
    killPrimary: async () => {
      const from = await primary();
      const victim = members.find((m) => `127.0.0.1:${m.port}` === from);
      if (victim === undefined) throw new Error(`primary ${from} is not one of this set's processes`);
      const started = Date.now();
      signalProcess(victim.pid, 'SIGKILL');
      await waitUntil(() => !isProcessAlive(victim.pid), { timeoutMs: 5000, description: `primary pid ${victim.pid} to die` });
      return switched(from, started);
    },
  };
}

/** How far the primary's replica lags, in bytes of the replication stream (undefined: no replica online). */
async function replicationLag(port: number): Promise<number | undefined> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const info = await r.info('replication');
    const master = Number(/master_repl_offset:(\d+)/.exec(info)?.[1]);
    const replica = /slave0:.*state=online,offset=(\d+)/.exec(info)?.[1];
    return replica === undefined ? undefined : master - Number(replica);
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

/** True once a Sentinel sees the primary up, one replica and the two other Sentinels. */
async function sentinelsReady(port: number, name: string): Promise<boolean> {
  const s = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  s.on('error', () => undefined);
  try {
    await s.connect();
    const fields = (await s.call('SENTINEL', 'master', name)) as string[];
    const get = (k: string) => fields[fields.indexOf(k) + 1];
    return get('num-slaves') === '1' && get('num-other-sentinels') === '2' && !(get('flags') ?? '').includes('down');
  } catch {
    return false;
  } finally {
    s.disconnect();
  }
}
