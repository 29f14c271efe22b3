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
      const results = await Promise.all(
        stores.flatMap((s, w) => Array.from({ length: 150 }, (_, i) => s.append(event(i, { actor: `worker:w${w}`, data: { w, i } })))),
      );
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
      expect(records.map((r) => r.seq)).toEqual(
        all
          .filter(pred)
          .reverse()
          .slice(0, limit)
          .map((r) => r.seq),
      );
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
    await store.append({
      type: 'request.received',
      actor: 'U0ALICE',
      channel: 'C0OPS',
      requestId: 'q1',
      verb: 'restart',
      data: { target: 'edge-3' },
    });
    await store.append({ type: 'approval.granted', actor: 'U0BOSS', channel: 'C0OPS', requestId: 'q1', data: {} });
    await store.append({
      type: 'job.result',
      actor: 'worker:w1',
      requestId: 'q1',
      host: 'edge-3',
      verb: 'restart',
      data: { requestedBy: 'U0ALICE', outcome: 'ok' },
    });
    await store.append({
      type: 'request.done',
      actor: 'system',
      channel: 'C0OPS',
      requestId: 'q1',
      data: { threadTs: '1714557600.000100' },
    });
    const rows = await queryHistory(store, { hosts: ['edge-3'], limit: 20 });
    expect(rows).toEqual([
      expect.objectContaining({
        user: 'U0ALICE',
        verb: 'restart',
        target: 'edge-3',
        outcome: 'ok',
        approver: 'U0BOSS',
        channel: 'C0OPS',
        threadTs: '1714557600.000100',
      }),
    ]);
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
        entries.map(([id, fields], i): Entry =>
          i === 6 ? [id, ['r', field(fields, 'r').replace('"outcome":"ok"', '"outcome":"failed"'), 'h', field(fields, 'h')]] : [id, fields],
        ),
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

    it('a lost head is rebuilt from the last record: appends go on chaining, and verify keeps reporting the rebuild', async () => {
      await redis.del('srs-chatops:audit:head');
      const fresh = new RedisAuditStore(redis);
      const next = await fresh.append(event(99));
      expect(next.seq).toBe(31);
      const report = await fresh.verify();
      expect(report).toMatchObject({ ok: false, checked: 31, problems: 1, first: { kind: 'head', seq: 31 } });
      expect(report.first?.message).toBe(
        `the head was rebuilt by the append of seq 31 (${report.lastId ?? ''}): srs-chatops:audit:head had been deleted while the stream held 30 of 30 entries added`,
      );
    });
  });

  describe('tampering the hash chain does not cover is detected (indexes, stream ids, head), on 300 records', () => {
    const KEY = 'srs-chatops:audit';
    let ids: string[];
    let all: AuditRecord[];
    beforeEach(async () => {
      all = await Promise.all(Array.from({ length: 300 }, (_, i) => store.append(event(i))));
      ids = ((await redis.xrange(KEY, '-', '+')) as Entry[]).map(([id]) => id);
      expect(await store.verify()).toMatchObject({ ok: true, checked: 300, problems: 0, findings: [] });
    });

    it.each([
      ['host', `${KEY}:host:edge-2`, 'host index edge-2', 'edge-2 history'],
      ['user', `${KEY}:user:U0ALICE`, 'user index U0ALICE', ''],
      ['request', `${KEY}:request:r20`, 'request index r20', ''],
    ])('a record removed from its %s index', async (_kind, index, name) => {
      const members = await redis.zrange(index, '0', '-1', 'WITHSCORES');
      const [member = '', score = ''] = members.slice(2, 4); // the index's second record
      await redis.zrem(index, member);
      const report = await store.verify();
      expect(report).toMatchObject({ ok: false, problems: 1, first: { kind: 'index', seq: Number(score), id: member } });
      expect(report.first?.message).toBe(
        `record seq ${score} (${member}) is missing from the ${name}: history and exports by that ${_kind} do not show it`,
      );
    });

    it('the host index: the hidden record is gone from history and export, and verify names it', async () => {
      const victim = all.find((r) => r.host === 'edge-2' && r.seq > 100) as AuditRecord;
      const id = ids[victim.seq - 1] ?? '';
      await redis.zrem(`${KEY}:host:edge-2`, id);
      const exported: number[] = [];
      for await (const r of store.records({ host: 'edge-2' })) exported.push(r.seq);
      expect(exported).not.toContain(victim.seq);
      expect((await store.verify()).first).toMatchObject({ kind: 'index', seq: victim.seq, id });
    });

    it("a stray index entry: another host's record added to an index, or an entry pointing at the wrong id", async () => {
      const other = all.find((r) => r.host === 'edge-3') as AuditRecord;
      await redis.zadd(`${KEY}:host:edge-1`, other.seq, ids[other.seq - 1] ?? '');
      let report = await store.verify();
      expect(report.first).toMatchObject({
        kind: 'index',
        seq: other.seq,
        message: `the host index edge-1 lists record seq ${other.seq} (${ids[other.seq - 1] ?? ''}), which is not a record of that host`,
      });
      await redis.zrem(`${KEY}:host:edge-1`, ids[other.seq - 1] ?? '');
      const mine = all.find((r) => r.host === 'edge-1' && r.seq > 50) as AuditRecord;
      await redis
        .multi()
        .zrem(`${KEY}:host:edge-1`, ids[mine.seq - 1] ?? '')
        .zadd(`${KEY}:host:edge-1`, mine.seq, ids[other.seq - 1] ?? '')
        .exec();
      report = await store.verify();
      expect(report.first).toMatchObject({
        kind: 'index',
        seq: mine.seq,
        message: `the host index edge-1 lists ${ids[other.seq - 1] ?? ''} as seq ${mine.seq}, but record seq ${mine.seq} is ${ids[mine.seq - 1] ?? ''}`,
      });
    });

    it('a stream rebuilt with every id 10 days back (indexes and head rewritten to match): --since 1d is empty, verify names seq 1', async () => {
      const shift = 10 * 86_400_000;
      const moved = (id: string): string => {
        const [ms = '0', n = '0'] = id.split('-');
        return `${Number(ms) - shift}-${n}`;
      };
      await rewriteStream(redis, KEY, (entries) => entries.map(([id, fields]): Entry => [moved(id), fields]));
      for (const index of await redis.keys(`${KEY}:*:*`)) {
        const flat = await redis.zrange(index, '0', '-1', 'WITHSCORES');
        const multi = redis.multi().del(index);
        for (let i = 0; i < flat.length; i += 2) multi.zadd(index, flat[i + 1] ?? '', moved(flat[i] ?? ''));
        await multi.exec();
      }
      await redis.hset(`${KEY}:head`, 'id', moved(ids[299] ?? ''));
      const recent: AuditRecord[] = [];
      for await (const r of store.records({ since: Date.now() - 86_400_000 })) recent.push(r);
      expect(recent).toEqual([]);
      const report = await store.verify();
      expect(report).toMatchObject({ ok: false, problems: 300, first: { kind: 'time', seq: 1, id: moved(ids[0] ?? '') } });
      expect(report.findings.map((f) => f.kind)).toEqual(['time']);
      expect(report.first?.message).toBe(
        `record seq 1 (${moved(ids[0] ?? '')}): its stream id is 10 d before its own time ${all[0]?.at ?? ''} (more than the 1 min clock skew allowed): the stream was rebuilt with other ids, which hides records from time-ranged exports and history`,
      );
      expect(await store.verify({ clockSkewMs: 11 * 86_400_000 })).toMatchObject({ ok: true }); // the skew is an option
    });

    it('the last 10 records and the head deleted: a finding from the stream counters; the next append does not erase it', async () => {
      await redis.xdel(KEY, ...ids.slice(290));
      await redis.del(`${KEY}:head`);
      let report = await store.verify();
      expect(report).toMatchObject({ ok: false, checked: 290, first: { kind: 'head', id: ids[299] } });
      expect(report.first?.message).toBe(
        `the head ${KEY}:head is missing while the stream has records (the stream has had 300 entries added and holds 290, last deleted id ${ids[299] ?? ''}): records at the end may have been removed with it`,
      );
      const next = await new RedisAuditStore(redis).append(event(300));
      expect(next.seq).toBe(291);
      report = await store.verify();
      expect(report).toMatchObject({ ok: false, first: { kind: 'head', seq: 291 } });
      expect(report.first?.message).toContain(
        'had been deleted while the stream held 290 of 300 entries added (10 deleted: records after seq 290 may have been removed with the head)',
      );
    });

    it('the last 10 records deleted and the head set back to the record before: the head lags the stream', async () => {
      await redis.xdel(KEY, ...ids.slice(290));
      await redis.hset(`${KEY}:head`, 'seq', '290', 'hash', all[289]?.hash ?? '', 'id', ids[289] ?? '');
      const report = await store.verify();
      expect(report.first).toMatchObject({ kind: 'head', seq: 290, id: ids[289] });
      expect(report.first?.message).toBe(
        `the head (seq 290, ${ids[289] ?? ''}) is not the last entry added to the stream (${ids[299] ?? ''}) (the stream has had 300 entries added and holds 290, last deleted id ${ids[299] ?? ''}): the head lags or was rewritten`,
      );
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
      await expect(store.append(event(1))).rejects.toMatchObject({
        code: 'audit_unavailable',
        retryable: true,
        message: expect.stringContaining('OOM') as unknown,
      });
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
