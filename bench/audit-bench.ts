/**
 * Audit log benchmark: `npx tsx bench/audit-bench.ts [records]` (default 1,000,000).
 *
 * Starts its own redis-server on a free port (AOF on, `appendfsync everysec`, as docker-compose.yml runs it), then
 * through the real RedisAuditStore path:
 *  1. appends one at a time, each awaited (latency-bound: what one request's records cost);
 *  2. appends with 64 appends outstanding (what a busy bot + workers look like: the store pipelines them);
 *  3. appends from 4 stores (4 connections, as 4 processes) at once, contending for the chain head;
 *  4. measures Redis memory per million records (INFO used_memory delta, and the stream alone);
 *  5. times `/srs history <host>` (newest 20, with approver/thread lookups) and other lookups, p50/p99;
 *  6. times a full `verify` and a full JSON-lines export.
 * Prints the machine and a markdown table (paste into BENCHMARKS.md). Not tuned to pass: every append goes
 * through `store.append`, sealed, hashed and checked against the head in Lua.
 */
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { producerConnection, whenReady } from '../src/adapters/redis/redis-connection';
import { RedisAuditStore } from '../src/adapters/redis/redis-audit-store';
import { queryHistory } from '../src/core/audit/query-history';
import type { AuditEventInput } from '../src/ports/audit-port';
import { startRedis } from '../test/support/redis-server';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const SEQUENTIAL = Math.min(20_000, Math.floor(TOTAL * 0.02));
const CONTENDED = Math.min(100_000, Math.floor(TOTAL * 0.1));
const HOSTS = Array.from({ length: 50 }, (_, i) => `edge-${String(i + 1).padStart(2, '0')}`);
const USERS = Array.from({ length: 20 }, (_, i) => `U0USER${String(i + 1).padStart(2, '0')}`);
const SERVICE_VERBS = [
  'status',
  'status',
  'status',
  'status',
  'restart',
  'restart',
  'reload',
  'reload',
  'start',
  'stop',
  'rotate',
  'grace',
] as const;

/** A deterministic pseudo-random generator (mulberry32: the same log every run). */
let seed = 42;
function rand(n: number): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
}
function pick<T>(items: readonly T[]): T {
  return items[rand(items.length)] as T;
}

const OUTPUT =
  'Starting SRS... \u001b[32m[  OK  ]\u001b[0m\n[2024-05-01 10:00:00.123][INFO][1234][abc123] server main cid=abc123, pid=1234, ppid=1\n'.repeat(
    3,
  );

/** The records of one chat request, as the use cases will write them. */
function* request(n: number): Generator<AuditEventInput> {
  const user = pick(USERS);
  const verb = pick(SERVICE_VERBS);
  const requestId = `req${n}`;
  const multi = rand(10) === 0;
  const hosts = multi ? Array.from({ length: 5 }, () => pick(HOSTS)).filter((h, i, a) => a.indexOf(h) === i) : [pick(HOSTS)];
  const target = multi ? 'edges' : (hosts[0] as string);
  const channel = 'C0OPS';
  yield {
    type: 'request.received',
    actor: user,
    channel,
    requestId,
    verb,
    correlationId: requestId,
    data: { text: `${verb} ${target}`, target, command: { kind: 'verb', verb, target } },
  };
  if (rand(20) === 0) {
    yield {
      type: 'request.denied',
      actor: user,
      channel,
      requestId,
      verb,
      correlationId: requestId,
      data: { target, reason: '`restart` needs the operator role; you are a viewer, who may run help, hosts, status' },
    };
    return;
  }
  if (verb !== 'status' && rand(10) === 0)
    yield { type: 'approval.granted', actor: pick(USERS), channel, requestId, verb, correlationId: requestId, data: {} };
  const threadTs = `${1_714_557_600 + n}.000100`;
  yield { type: 'request.queued', actor: user, channel, requestId, verb, correlationId: requestId, data: { hosts, threadTs } };
  for (const host of hosts) {
    const worker = `worker:w${rand(4)}`;
    yield {
      type: 'job.started',
      actor: worker,
      requestId,
      host,
      verb,
      correlationId: requestId,
      data: { jobId: `${requestId}-${host}`, requestedBy: user },
    };
    const outcome = rand(20) === 0 ? 'failed' : verb === 'start' && rand(3) === 0 ? 'noop' : 'ok';
    yield {
      type: 'job.result',
      actor: worker,
      channel,
      requestId,
      host,
      verb,
      correlationId: requestId,
      data: {
        requestedBy: user,
        outcome,
        exitCode: 0,
        durationMs: 800 + rand(4000),
        summary: 'running (pid 1234), SRS 6.0.184, up 2s',
        evidence: ['pid 1234 alive, cmdline objs/srs', 'api: pid 1234, service 8k2j1', 'log: no Failed, line since start'],
        outputDigest: createHash('sha256').update(`${n}${host}`).digest('hex'),
        output: OUTPUT.slice(0, 300),
        threadTs,
      },
    };
  }
  yield {
    type: 'request.done',
    actor: 'system',
    channel,
    requestId,
    verb,
    correlationId: requestId,
    data: { summary: `${hosts.length} ok`, threadTs },
  };
}

/** An endless stream of events from successive requests. */
function* events(): Generator<AuditEventInput> {
  for (let n = 0; ; n++) yield* request(n);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
const ms = (v: number): string => `${v.toFixed(2)} ms`;
const rate = (n: number, tookMs: number): string => `${Math.round((n * 1000) / tookMs).toLocaleString('en-US')}/s`;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 'NaN');
}

/** Appends `n` events keeping `inFlight` appends outstanding (each through store.append). */
async function appendConcurrently(store: RedisAuditStore, source: Iterator<AuditEventInput>, n: number, inFlight: number): Promise<void> {
  let issued = 0;
  const lane = async (): Promise<void> => {
    while (issued < n) {
      issued++;
      const next = source.next();
      if (next.done === true) return;
      await store.append(next.value);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/** Wall-clock p50/p99/max of `runs` lookups one after the other, and the bench process's CPU time per lookup. */
async function timeLookups(label: string, runs: number, lookup: (i: number) => Promise<unknown>): Promise<string> {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await lookup(i);
    times.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / runs;
  return `| ${label} | ${runs} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 99))} | ${ms(Math.max(...times))} | ${ms(cpuMs)} |`;
}

async function main(): Promise<void> {
  const loadBefore = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-audit-bench-'));
  const server = await startRedis({ dir });
  const redis = producerConnection(server.url);
  const others: Redis[] = [];
  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
    process.stderr.write(`${line}\n`);
  };
  try {
    if (!(await whenReady(redis, 5000))) throw new Error('redis not ready');
    await redis.config('SET', 'appendonly', 'yes');
    await redis.config('SET', 'appendfsync', 'everysec');
    const store = new RedisAuditStore(redis);
    const source = events();
    const before = await usedMemory(redis);

    // 1. One at a time.
    const latencies: number[] = [];
    let t = performance.now();
    for (let i = 0; i < SEQUENTIAL; i++) {
      const s = performance.now();
      await store.append(source.next().value as AuditEventInput);
      latencies.push(performance.now() - s);
    }
    const seqMs = performance.now() - t;
    log(
      `sequential: ${SEQUENTIAL} appends in ${(seqMs / 1000).toFixed(1)} s = ${rate(SEQUENTIAL, seqMs)}, latency p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`,
    );

    // 2. 64 outstanding, one store.
    const concurrent = TOTAL - SEQUENTIAL - CONTENDED;
    t = performance.now();
    await appendConcurrently(store, source, concurrent, 64);
    const concMs = performance.now() - t;
    log(`concurrent (64 in flight, 1 connection): ${concurrent} appends in ${(concMs / 1000).toFixed(1)} s = ${rate(concurrent, concMs)}`);

    // 3. 4 stores (processes) contending.
    others.push(...Array.from({ length: 3 }, () => producerConnection(server.url)));
    for (const c of others) await whenReady(c, 5000);
    const stores = [store, ...others.map((c) => new RedisAuditStore(c))];
    t = performance.now();
    await Promise.all(stores.map((s) => appendConcurrently(s, source, CONTENDED / stores.length, 16)));
    const contMs = performance.now() - t;
    log(`contended (4 connections x 16 in flight): ${CONTENDED} appends in ${(contMs / 1000).toFixed(1)} s = ${rate(CONTENDED, contMs)}`);

    // 4. Memory.
    const head = await store.head();
    const count = head?.seq ?? 0;
    const after = await usedMemory(redis);
    const streamBytes = Number(await redis.call('MEMORY', 'USAGE', store.keys.stream, 'SAMPLES', '0'));
    const sample = (await redis.xrevrange(store.keys.stream, '+', '-', 'COUNT', 10000)) as Array<[string, string[]]>;
    const avgBody = sample.reduce((n, [, f]) => n + (f[1]?.length ?? 0), 0) / Math.max(1, sample.length);
    const perMillion = ((after - before) / count) * 1e6;
    log(
      `records: ${count}, average body ${Math.round(avgBody)} bytes; used_memory delta ${(perMillion / 2 ** 20).toFixed(0)} MiB per million (stream ${(((streamBytes / count) * 1e6) / 2 ** 20).toFixed(0)} MiB, indexes + head ${((((after - before - streamBytes) / count) * 1e6) / 2 ** 20).toFixed(0)} MiB)`,
    );

    // 5. Lookups. An AOF rewrite started by the appends may still run (a fork sharing the 2 cores): say so.
    const persistence = await redis.info('persistence');
    log(`lookups start with aof_rewrite_in_progress=${/aof_rewrite_in_progress:(\d)/.exec(persistence)?.[1] ?? '?'}`);
    log('| lookup | runs | p50 | p99 | max | bench CPU per lookup |');
    log('|---|---|---|---|---|---|');
    log(
      await timeLookups('`/srs history <host>` newest 20 (rows + approver/thread)', 2000, (i) =>
        queryHistory(store, { hosts: [HOSTS[i % HOSTS.length] as string], limit: 20 }),
      ),
    );
    log(await timeLookups('store.query({ host, limit: 20 })', 2000, (i) => store.query({ host: HOSTS[i % HOSTS.length], limit: 20 })));
    log(
      await timeLookups('`/srs history --user U` newest 20', 500, (i) => queryHistory(store, { user: USERS[i % USERS.length], limit: 20 })),
    );
    log(await timeLookups('`/srs history` (all hosts) newest 20', 500, () => queryHistory(store, { limit: 20 })));
    log(
      await timeLookups('`/srs history edges --verb grace` (5 hosts)', 200, (i) =>
        queryHistory(store, { hosts: HOSTS.slice(i % 45, (i % 45) + 5), verb: 'grace', limit: 20 }),
      ),
    );
    log(
      await timeLookups('`/srs history --verb grace --since 7d` (all hosts)', 50, () =>
        queryHistory(store, { verb: 'grace', since: Date.now() - 7 * 86_400_000, limit: 20 }),
      ),
    );

    // 6. Verify and export.
    t = performance.now();
    const report = await store.verify();
    const verifyMs = performance.now() - t;
    log(
      `verify: ${report.checked} records, ok=${String(report.ok)}, in ${(verifyMs / 1000).toFixed(1)} s (${rate(report.checked, verifyMs)})`,
    );
    t = performance.now();
    let exported = 0;
    for await (const line of store.export({ format: 'jsonl' })) exported += line.length > 0 ? 1 : 0;
    const exportMs = performance.now() - t;
    log(`export jsonl: ${exported} lines in ${(exportMs / 1000).toFixed(1)} s`);

    const machine = [
      `nproc: ${execSync('nproc').toString().trim()}`,
      `cpu: ${os.cpus()[0]?.model ?? '?'}`,
      `free -h: ${execSync('free -h').toString().split('\n')[1]?.replace(/\s+/g, ' ') ?? '?'}`,
      `node ${process.version}, ${execSync('redis-server --version').toString().trim().split(' ').slice(0, 3).join(' ')}`,
      `load average (1/5/15 min) at start: ${loadBefore}; at end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (other work on the machine shares the 2 cores)`,
    ];
    process.stdout.write(`\n## Machine\n${machine.map((m) => `- ${m}`).join('\n')}\n\n## Results\n${lines.join('\n')}\n`);
  } finally {
    for (const c of [redis, ...others]) c.disconnect();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
