import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { producerConnection, whenReady } from '../../src/adapters/redis/redis-connection';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';
import { queryHistory } from '../../src/core/audit/query-history';
import { verifyRecords } from '../../src/core/audit/verify-records';
import type { AuditEventInput, AuditRecord } from '../../src/ports/audit-port';
import { startRedis, type RedisServer } from '../support/redis-server';
import { getTestRun } from '../support/test-run';

/** This file's own database on the run's shared redis-server. */
const DB = 7;

type Entry = [string, string[]];

function event(i: number, over: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    type: 'job.result',
    actor: 'worker:w1',
    requestId: `r${Math.floor(i / 2)}`,
    host: `edge-${(i % 3) + 1}`,
    verb: i % 2 === 0 ? 'restart' : 'reload',
    data: { outcome: i % 5 === 0 ? 'failed' : 'ok', requestedBy: i % 4 === 0 ? 'U0BOB' : 'U0ALICE', i },
    ...over,
  };
}

/** Rewrites the whole stream through a copy (same ids, fields changed by `edit`), RENAMEd over the original. */
async function rewriteStream(redis: Redis, key: string, edit: (entries: Entry[]) => Entry[]): Promise<void> {
  const entries = (await redis.xrange(key, '-', '+')) as Entry[];
  const multi = redis.multi().del(`${key}:copy`);
  for (const [id, fields] of edit(entries)) multi.xadd(`${key}:copy`, id, ...fields);
  await multi.rename(`${key}:copy`, key).exec();
}

function field(fields: string[], name: string): string {
  const i = fields.indexOf(name);
  return fields[i + 1] ?? '';
}

describe('RedisAuditStore on a real redis-server', () => {
  let redis: Redis;
  let store: RedisAuditStore;
  const url = `${getTestRun().redisUrl}/${DB}`;

  beforeAll(async () => {
    redis = producerConnection(url);
    expect(await whenReady(redis, 5000)).toBe(true);
  });
  beforeEach(async () => {
    await redis.flushdb();
    store = new RedisAuditStore(redis);
  });
  afterAll(() => redis.disconnect());

  it('appends a chain: seq 1..n, prev = hash before, stored in the stream, head kept; verify passes', async () => {
    const records: AuditRecord[] = [];
    for (let i = 0; i < 20; i++) records.push(await store.append(event(i)));
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(verifyRecords(records)).toMatchObject({ ok: true, checked: 20 });
    expect(await redis.xlen('srs-chatops:audit')).toBe(20);
    expect(await store.head()).toEqual({ seq: 20, hash: records[19]?.hash });
    expect(await store.verify()).toMatchObject({ ok: true, checked: 20, problems: 0, lastSeq: 20, head: { seq: 20 } });
  });

  it('many concurrent appends from several connections (processes) make one chain in call order per process', async () => {
    const others = [producerConnection(url), producerConnection(url), producerConnection(url)];
    for (const c of others) await whenReady(c, 5000);
    try {
      const stores = [store, ...others.map((c) => new RedisAuditStore(c))];
      const results = await Promise.all(stores.flatMap((s, w) => Array.from({ length: 150 }, (_, i) => s.append(event(i, { actor: `worker:w${w}`, data: { w, i } })))));
      const seqs = results.map((r) => r.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
      for (let w = 0; w < 4; w++) {
        const mine = results.filter((r) => r.actor === `worker:w${w}`).map((r) => r.seq);
        expect(mine).toEqual([...mine].sort((a, b) => a - b)); // each process's records keep its call order
      }
      expect(await store.verify()).toMatchObject({ ok: true, checked: 600 });
    } finally {
      for (const c of others) c.disconnect();
    }
  });

  it('query: newest first, by host, verb, actor (or requester), request, types, since/until, limit', async () => {
    // Records 500 ms apart, over the last 30 s: appending clocks agree with Redis's within the default 60 s skew.
    let now = Date.now() - 30_000;
    store = new RedisAuditStore(redis, { now: () => (now += 500) });
    const all: AuditRecord[] = [];
    for (let i = 0; i < 60; i++) all.push(await store.append(event(i)));
    await store.append({ type: 'process.started', actor: 'system', data: {} });
    const expectSeqs = (records: AuditRecord[], pred: (r: AuditRecord) => boolean, limit = 20): void => {
      expect(records.map((r) => r.seq)).toEqual(all.filter(pred).reverse().slice(0, limit).map((r) => r.seq));
    };
    expectSeqs(await store.query({ host: 'edge-2' }), (r) => r.host === 'edge-2');
    expectSeqs(await store.query({ host: 'edge-2', verb: 'reload', limit: 5 }), (r) => r.host === 'edge-2' && r.verb === 'reload', 5);
    expectSeqs(await store.query({ actor: 'U0BOB', limit: 100 }), (r) => r.data['requestedBy'] === 'U0BOB', 100);
    expectSeqs(await store.query({ verb: 'restart', types: ['job.result'] }), (r) => r.verb === 'restart');
    expectSeqs(await store.query({ requestId: 'r7' }), (r) => r.requestId === 'r7');
    const since = Date.parse(all[49]?.at ?? '');
    const until = Date.parse(all[55]?.at ?? '');
    expectSeqs(await store.query({ since, until, limit: 100 }), (r) => r.seq >= 50 && r.seq <= 56, 100);
    expectSeqs(await store.query({ host: 'edge-1', since, limit: 100 }), (r) => r.seq >= 50 && r.host === 'edge-1', 100);
    expect((await store.query({ actor: 'system' })).map((r) => r.type)).toEqual(['process.started']);
    expect(await store.query({ host: 'edge-99' })).toEqual([]);
    expect(await store.query({ limit: 3 })).toHaveLength(3);
  });

  it('queryHistory over the store: rows with approver and thread link data', async () => {
    await store.append({ type: 'request.received', actor: 'U0ALICE', channel: 'C0OPS', requestId: 'q1', verb: 'restart', data: { target: 'edge-3' } });
    await store.append({ type: 'approval.granted', actor: 'U0BOSS', channel: 'C0OPS', requestId: 'q1', data: {} });
    await store.append({ type: 'job.result', actor: 'worker:w1', requestId: 'q1', host: 'edge-3', verb: 'restart', data: { requestedBy: 'U0ALICE', outcome: 'ok' } });
    await store.append({ type: 'request.done', actor: 'system', channel: 'C0OPS', requestId: 'q1', data: { threadTs: '1714557600.000100' } });
    const rows = await queryHistory(store, { hosts: ['edge-3'], limit: 20 });
    expect(rows).toEqual([expect.objectContaining({ user: 'U0ALICE', verb: 'restart', target: 'edge-3', outcome: 'ok', approver: 'U0BOSS', channel: 'C0OPS', threadTs: '1714557600.000100' })]);
  });

  describe('tampering in Redis is detected, naming the record', () => {
    let ids: string[];
    beforeEach(async () => {
      for (let i = 0; i < 30; i++) await store.append(event(i));
      ids = ((await redis.xrange('srs-chatops:audit', '-', '+')) as Entry[]).map(([id]) => id);
    });

    it('a record deleted with XDEL', async () => {
      await redis.xdel('srs-chatops:audit', ids[11] ?? '');
      const report = await store.verify();
      expect(report).toMatchObject({ ok: false, problems: 1, first: { kind: 'removed', seq: 12, id: ids[12] } });
      expect(report.first?.message).toBe(`record seq 12 is missing between ${ids[10] ?? ''} and ${ids[12] ?? ''} (seq 13) (removed)`);
    });

    it('the last record deleted (the head remembers it)', async () => {
      await redis.xdel('srs-chatops:audit', ids[29] ?? '');
      expect((await store.verify()).first).toMatchObject({ kind: 'removed', seq: 30 });
    });

    it('a field edited by rewriting the stream (copy with one record changed, RENAME over)', async () => {
      await rewriteStream(redis, 'srs-chatops:audit', (entries) =>
        entries.map(([id, fields], i): Entry => (i === 6 ? [id, ['r', field(fields, 'r').replace('"outcome":"ok"', '"outcome":"failed"'), 'h', field(fields, 'h')]] : [id, fields])),
      );
      const report = await store.verify();
      expect(report.first).toMatchObject({ kind: 'edited', seq: 7, id: ids[6] });
      expect(report.first?.message).toBe(`record seq 7 (${ids[6] ?? ''}) was edited: its content no longer matches its hash`);
    });

    it('two records swapped (ids kept, contents exchanged)', async () => {
      await rewriteStream(redis, 'srs-chatops:audit', (entries) =>
        entries.map(([id, fields], i): Entry => [id, i === 3 ? (entries[17]?.[1] ?? []) : i === 17 ? (entries[3]?.[1] ?? []) : fields]),
      );
      const report = await store.verify();
      expect(report.first).toMatchObject({ kind: 'reordered', seq: 18, id: ids[3] });
    });

    it('a lost head is rebuilt from the last record: appends go on chaining', async () => {
      await redis.del('srs-chatops:audit:head');
      const fresh = new RedisAuditStore(redis);
      const next = await fresh.append(event(99));
      expect(next.seq).toBe(31);
      expect(await fresh.verify()).toMatchObject({ ok: true, checked: 31 });
    });
  });
});

describe('RedisAuditStore fails closed on its own redis-server', () => {
  let server: RedisServer;
  let dir: string;
  let redis: Redis;
  let store: RedisAuditStore;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-audit-'));
    server = await startRedis({ dir });
    redis = producerConnection(server.url, { disconnectTimeout: 200 });
    redis.on('error', () => undefined);
    expect(await whenReady(redis, 5000)).toBe(true);
    store = new RedisAuditStore(redis);
    await store.append(event(0));
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Redis out of memory (maxmemory, noeviction): append rejects at once with audit_unavailable, nothing written', async () => {
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.config('SET', 'maxmemory', '1');
    try {
      const started = Date.now();
      await expect(store.append(event(1))).rejects.toMatchObject({ code: 'audit_unavailable', retryable: true, message: expect.stringContaining('OOM') as unknown });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    expect(await redis.xlen('srs-chatops:audit')).toBe(1);
    expect((await store.append(event(2))).seq).toBe(2); // and it recovers
  });

  it('Redis hanging (SIGSTOP): append rejects after the 2 s write timeout, not later', async () => {
    await server.kill('SIGSTOP');
    try {
      const started = Date.now();
      await expect(store.append(event(3))).rejects.toMatchObject({ code: 'audit_unavailable' });
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(1900);
      expect(took).toBeLessThan(2600);
    } finally {
      await server.kill('SIGCONT');
    }
    // The timed-out append may still land once Redis wakes up; the chain holds either way.
    await store.drain();
    await new Promise((r) => setTimeout(r, 200));
    const next = await store.append(event(4));
    expect(next.seq).toBeGreaterThanOrEqual(3);
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it('Redis gone: append rejects at once', async () => {
    await server.stop();
    const started = Date.now();
    await expect(store.append(event(5))).rejects.toMatchObject({ code: 'audit_unavailable' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
