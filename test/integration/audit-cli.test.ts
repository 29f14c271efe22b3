import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { FileAuditSink } from '../../src/adapters/audit/file-audit-sink';
import { producerConnection, whenReady } from '../../src/adapters/redis/redis-connection';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';
import { canonicalJson } from '../../src/core/audit/canonical-json';
import { CSV_COLUMNS } from '../../src/core/audit/export-format';
import { verifyRecords } from '../../src/core/audit/verify-records';
import type { AuditEventInput, AuditRecord } from '../../src/ports/audit-port';
import { runAudit } from '../../src/cli/audit/run-audit';
import type { AuditOutput } from '../../src/cli/audit/audit-output';
import { getTestRun } from '../support/test-run';

/** This file's own database on the run's shared redis-server. */
const DB = 15;

function event(i: number): AuditEventInput {
  return { type: 'job.result', actor: 'worker:w1', requestId: `r${i}`, host: `edge-${(i % 2) + 1}`, verb: 'restart', channel: 'C0OPS', data: { outcome: 'ok', note: i === 3 ? '=cmd|"x",y\nz' : `n${i}` } };
}

/** Runs `srs-chatops audit ...` in-process; collects what it prints. */
async function audit(args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: AuditOutput = { out: (t) => void (out += t), err: (t) => void (err += t) };
  const code = await runAudit(args, env, io, signal === undefined ? {} : { signal });
  return { code, out, err };
}

describe('srs-chatops audit (export, tail, verify) and the file sink', () => {
  const url = `${getTestRun().redisUrl}/${DB}`;
  const env = { REDIS_URL: url };
  let redis: Redis;
  let dir: string;
  let sink: FileAuditSink;
  let store: RedisAuditStore;
  const records: AuditRecord[] = [];
  const t0 = Date.now() - 20_000;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-audit-cli-'));
    redis = producerConnection(url);
    expect(await whenReady(redis, 5000)).toBe(true);
    await redis.flushdb();
    sink = new FileAuditSink(path.join(dir, 'audit.jsonl'));
    let now = t0;
    store = new RedisAuditStore(redis, { mirror: sink, now: () => (now += 1000) });
    for (let i = 0; i < 10; i++) records.push(await store.append(event(i)));
  });
  afterAll(async () => {
    await sink.close();
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the file sink holds every record, as canonical JSON lines that verify on their own', () => {
    const lines = fs.readFileSync(sink.path, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as AuditRecord)).toEqual(records);
    expect(verifyRecords(lines.map((l) => JSON.parse(l) as unknown))).toMatchObject({ ok: true, checked: 10 });
    expect((fs.statSync(sink.path).mode & 0o777).toString(8)).toBe('640');
  });

  it('a file sink that cannot be written makes append reject (fail closed)', async () => {
    const broken = new RedisAuditStore(redis, { mirror: new FileAuditSink(path.join(dir, 'no-such-dir', 'audit.jsonl')) });
    await expect(broken.append(event(99))).rejects.toMatchObject({ code: 'audit_unavailable', message: expect.stringContaining('audit log file') as unknown });
    await redis.xdel(store.keys.stream, (await redis.xrevrange(store.keys.stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '');
    await redis.hset(store.keys.head, 'seq', '10', 'hash', records[9]?.hash ?? '');
  });

  it('verify: exit 0 on an intact log', async () => {
    const r = await audit(['verify', '--quiet'], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^audit log ok: 10 records, chain intact up to seq 10, in \d+\.\d s\nhead: 10:[0-9a-f]{64}\n$/);
    expect(r.out).toContain(`head: 10:${records[9]?.hash ?? ''}`);
  });

  it('export jsonl: every record, oldest first, verifiable; --host, --since, --until filter', async () => {
    const all = await audit(['export', '--format', 'jsonl'], env);
    expect(all.code).toBe(0);
    const exported = all.out.trimEnd().split('\n').map((l) => JSON.parse(l) as AuditRecord);
    expect(exported).toEqual(records);
    expect(verifyRecords(exported)).toMatchObject({ ok: true });
    const host = await audit(['export', '--host', 'edge-2'], env);
    expect(host.out.trimEnd().split('\n').map((l) => (JSON.parse(l) as AuditRecord).seq)).toEqual([2, 4, 6, 8, 10]);
    const since = records[6]?.at ?? '';
    const until = records[7]?.at ?? '';
    const range = await audit(['export', `--since=${since}`, '--until', until], env);
    expect(range.out.trimEnd().split('\n').map((l) => (JSON.parse(l) as AuditRecord).seq)).toEqual([7, 8]);
    const recent = await audit(['export', '--since', '1w'], env);
    expect(recent.out.trimEnd().split('\n')).toHaveLength(10);
  });

  it('export csv: header, one RFC 4180 row per record, data as quoted JSON', async () => {
    const r = await audit(['export', '--format', 'csv', '--host', 'edge-2'], env);
    const lines = r.out.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toMatch(new RegExp(`^2,${records[1]?.at ?? ''},job\\.result,worker:w1,C0OPS,r1,edge-2,restart,,ok,"\\{""note"":""n1"",""outcome"":""ok""\\}",[0-9a-f]{64},[0-9a-f]{64}$`));
    const row3 = r.out.split('\r\n').find((l) => l.startsWith('4,'));
    expect(row3).toContain('""note"":""=cmd|\\""x\\"",y\\nz""'); // inside the data JSON: escaped and quoted
    expect(lines).toHaveLength(7); // header, 5 rows, and the empty string after the last CRLF
  });

  it('tail: the last N records; --follow streams new ones until aborted', async () => {
    const last = await audit(['tail', '-n', '3'], env);
    expect(last.out.trimEnd().split('\n')).toEqual([8, 9, 10].map((s) => expect.stringMatching(new RegExp(`^#${s} \\S+ job\\.result worker:w1 edge-\\d restart ok req=r${s - 1}$`)) as unknown));
    const stop = new AbortController();
    const following = audit(['tail', '-n', '0', '-f', '--format', 'jsonl'], env, stop.signal);
    await new Promise((r) => setTimeout(r, 300));
    const added = await store.append(event(10));
    await new Promise((r) => setTimeout(r, 300));
    stop.abort();
    const f = await following;
    expect(f.err).toBe('');
    expect(f.code).toBe(0);
    expect(JSON.parse(f.out.trim())).toEqual(added);
  });

  it('verify --anchor: a log rewritten with recomputed hashes is caught by an anchor noted earlier', async () => {
    const anchor = `5:${records[4]?.hash ?? ''}`;
    expect(await audit(['verify', '--anchor', anchor], env)).toMatchObject({ code: 0, out: expect.stringContaining('1 anchor matched') as unknown });
    // Rewrite everything from seq 5 on, each hash recomputed and chained: the chain alone holds again...
    const entries = (await redis.xrange(store.keys.stream, '-', '+')) as Array<[string, string[]]>;
    let prev = records[3]?.hash ?? '';
    const multi = redis.multi().del(`${store.keys.stream}:copy`);
    for (const [i, [id, fields]] of entries.entries()) {
      let body = fields[1] ?? '';
      if (i >= 4) {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        body = canonicalJson({ ...parsed, prev, actor: i === 4 ? 'worker:evil' : parsed['actor'] });
      }
      const hash = i >= 4 ? createHash('sha256').update(body).digest('hex') : (fields[3] ?? '');
      prev = hash;
      multi.xadd(`${store.keys.stream}:copy`, id, 'r', body, 'h', hash);
    }
    await multi.rename(`${store.keys.stream}:copy`, store.keys.stream).hset(store.keys.head, 'hash', prev).exec();
    expect((await audit(['verify'], env)).code).toBe(0);
    // ...but not against the anchor.
    const r = await audit(['verify', '--anchor', anchor], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`record seq 5 (${entries[4]?.[0] ?? ''}) was rewritten: its hash differs from the anchor`);
  });

  it('verify: exit 1 naming the first bad record (a deletion)', async () => {
    const ids = ((await redis.xrange(store.keys.stream, '-', '+')) as Array<[string, string[]]>).map(([id]) => id);
    await redis.xdel(store.keys.stream, ids[4] ?? '');
    const r = await audit(['verify'], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`audit log FAILED verification: record seq 5 is missing between ${ids[3] ?? ''} and ${ids[5] ?? ''} (seq 6) (removed)`);
    expect(r.out).toContain(`1 problem in 10 records (first: removed at seq 5, ${ids[5] ?? ''})`);
  });

  it('usage errors exit 2; an unreachable Redis exits 3', async () => {
    const usage = await audit(['export', '--format', 'xml'], env);
    expect(usage).toMatchObject({ code: 2, err: expect.stringContaining('--format xml: jsonl or csv') as unknown });
    expect((await audit(['frobnicate'], env)).code).toBe(2);
    expect((await audit(['export', '--since', 'yesterday'], env)).code).toBe(2);
    const down = await audit(['verify'], { REDIS_URL: 'redis://:secret@127.0.0.1:1' });
    expect(down.code).toBe(3);
    expect(down.err).toContain('cannot reach Redis at redis://:***@127.0.0.1:1');
    expect((await audit(['help'], env)).out).toContain('usage: srs-chatops audit');
  });
});
