import { execFileSync } from 'node:child_process';
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
import { anchorMessage } from '../../src/core/audit/anchor-message';
import { verifyRecords } from '../../src/core/audit/verify-records';
import type { AuditEventInput, AuditRecord } from '../../src/ports/audit-port';
import { runAudit } from '../../src/cli/audit/run-audit';
import type { AuditOutput } from '../../src/cli/audit/audit-output';
import { getTestRun } from '../support/test-run';

/** This file's own database on the run's shared redis-server. */
const DB = 15;

function event(i: number): AuditEventInput {
  return {
    type: 'job.result',
    actor: 'worker:w1',
    requestId: `r${i}`,
    host: `edge-${(i % 2) + 1}`,
    verb: 'restart',
    channel: 'C0OPS',
    data: { outcome: 'ok', note: i === 3 ? '=cmd|"x",y\nz' : `n${i}` },
  };
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
    // Another log (prefix) in the same database: the record reaches Redis, then the file write fails.
    const broken = new RedisAuditStore(redis, {
      prefix: 'broken-sink',
      mirror: new FileAuditSink(path.join(dir, 'no-such-dir', 'audit.jsonl')),
    });
    await expect(broken.append(event(99))).rejects.toMatchObject({
      code: 'audit_unavailable',
      message: expect.stringContaining('audit log file') as unknown,
    });
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
    const exported = all.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(exported).toEqual(records);
    expect(verifyRecords(exported)).toMatchObject({ ok: true });
    const host = await audit(['export', '--host', 'edge-2'], env);
    expect(
      host.out
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as AuditRecord).seq),
    ).toEqual([2, 4, 6, 8, 10]);
    const since = records[6]?.at ?? '';
    const until = records[7]?.at ?? '';
    const range = await audit(['export', `--since=${since}`, '--until', until], env);
    expect(
      range.out
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as AuditRecord).seq),
    ).toEqual([7, 8]);
    const recent = await audit(['export', '--since', '1w'], env);
    expect(recent.out.trimEnd().split('\n')).toHaveLength(10);
  });

  it('verify --file: an export or the audit.file copy, with no Redis; the standalone script in docs/ agrees', async () => {
    const script = path.resolve(__dirname, '..', '..', 'docs', 'verify-audit-file.mjs');
    const exported = path.join(dir, 'export.jsonl');
    fs.writeFileSync(exported, (await audit(['export'], env)).out);
    const noRedis = { REDIS_URL: 'redis://127.0.0.1:1' };
    for (const file of [exported, sink.path]) {
      const r = await audit(['verify', '--file', file, '--anchor', `5:${records[4]?.hash ?? ''}`], noRedis);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(
        /^audit file ok: 10 records, chain intact from seq 1 to seq 10, 1 anchor matched \(the newest at seq 5\), in \d+\.\d s\n/,
      );
      expect(r.out).toContain(`head: 10:${records[9]?.hash ?? ''}\n`);
      expect(execFileSync('node', [script, file]).toString()).toBe(
        `ok: 10 records, seq 1..10, 0 anchor(s) matched, head 10:${records[9]?.hash ?? ''}\n`,
      );
    }
    const since = path.join(dir, 'since.jsonl');
    fs.writeFileSync(since, (await audit(['export', '--since', records[6]?.at ?? ''], env)).out);
    expect((await audit(['verify', '--file', since], noRedis)).out).toMatch(/^audit file ok: 4 records, chain intact from seq 7 to seq 10/);
    const edited = path.join(dir, 'edited.jsonl');
    fs.writeFileSync(edited, fs.readFileSync(exported, 'utf8').replace('"note":"n5"', '"note":"n6"'));
    const bad = await audit(['verify', '--file', edited], noRedis);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('audit file FAILED verification: record seq 6 (line 6) was edited: its content no longer matches its hash\n');
    expect(() => execFileSync('node', [script, edited], { stdio: ['ignore', 'pipe', 'pipe'] })).toThrow(/line 6 \(seq 6\) was edited/);
    const missing = await audit(['verify', '--file', path.join(dir, 'nope.jsonl')], noRedis);
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('cannot read') as unknown });
  });

  it('export csv: header, one RFC 4180 row per record, data as quoted JSON', async () => {
    const r = await audit(['export', '--format', 'csv', '--host', 'edge-2'], env);
    const lines = r.out.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toMatch(
      new RegExp(
        `^2,${records[1]?.at ?? ''},job\\.result,worker:w1,C0OPS,r1,edge-2,restart,,ok,"\\{""note"":""n1"",""outcome"":""ok""\\}",[0-9a-f]{64},[0-9a-f]{64}$`,
      ),
    );
    const row3 = r.out.split('\r\n').find((l) => l.startsWith('4,'));
    expect(row3).toContain('""note"":""=cmd|\\""x\\"",y\\nz""'); // inside the data JSON: escaped and quoted
    expect(lines).toHaveLength(7); // header, 5 rows, and the empty string after the last CRLF
  });

  it('tail: the last N records; --follow streams new ones until aborted', async () => {
    const last = await audit(['tail', '-n', '3'], env);
    expect(last.out.trimEnd().split('\n')).toEqual(
      [8, 9, 10].map(
        (s) => expect.stringMatching(new RegExp(`^#${s} \\S+ job\\.result worker:w1 edge-\\d restart ok req=r${s - 1}$`)) as unknown,
      ),
    );
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

  it('anchor lines (issue 15, finding 9): the file sink writes them, verify --file holds the file to its own, --anchors-from uses every one found', async () => {
    const script = path.resolve(__dirname, '..', '..', 'docs', 'verify-audit-file.mjs');
    const noRedis = { REDIS_URL: 'redis://127.0.0.1:1' };
    const anchorOf = (r: AuditRecord | undefined) => ({ seq: r?.seq ?? 0, hash: r?.hash ?? '', at: r?.at ?? '' });
    // A copy of the audit file, with the anchor lines the bot writes beside its records.
    const anchored = path.join(dir, 'anchored.jsonl');
    fs.copyFileSync(sink.path, anchored);
    const n = fs.readFileSync(anchored, 'utf8').trimEnd().split('\n').length; // the records so far (tail added one)
    const anchorSink = new FileAuditSink(anchored);
    await anchorSink.publish(anchorOf(records[3]));
    await anchorSink.publish(anchorOf(records[9]));
    await anchorSink.close();
    const text = fs.readFileSync(anchored, 'utf8');
    expect(text.split('\n')[n]).toBe(`{"anchor":1,"at":"${records[3]?.at ?? ''}","hash":"${records[3]?.hash ?? ''}","seq":4}`);
    const ok = await audit(['verify', '--file', anchored], noRedis);
    expect(ok.out).toContain(
      `audit file ok: ${n} records, chain intact from seq 1 to seq ${n}, 2 anchors matched (the newest at seq 10), in `,
    );
    expect(execFileSync('node', [script, anchored]).toString()).toContain(`ok: ${n} records, seq 1..${n}, 2 anchor(s) matched`);
    // The file rewritten from seq 3 on with recomputed hashes: its chain holds, its anchor lines do not.
    let prev = records[1]?.hash ?? '';
    const rewritten = text
      .trimEnd()
      .split('\n')
      .map((line) => {
        const r = JSON.parse(line) as AuditRecord & { anchor?: number };
        if (r.anchor !== undefined || r.seq < 3) return line;
        const { hash: _old, ...rest } = { ...r, prev, actor: r.seq === 3 ? 'worker:evil' : r.actor };
        prev = createHash('sha256').update(canonicalJson(rest)).digest('hex');
        return canonicalJson({ ...rest, hash: prev });
      });
    const rewrittenFile = path.join(dir, 'rewritten.jsonl');
    fs.writeFileSync(rewrittenFile, `${rewritten.join('\n')}\n`);
    expect((await audit(['verify', '--file', rewrittenFile], noRedis)).out).toContain(
      'audit file FAILED verification: record seq 4 (line 4) was rewritten: its hash differs from the anchor',
    );
    expect(() => execFileSync('node', [script, rewrittenFile], { stdio: ['ignore', 'pipe', 'pipe'] })).toThrow(
      `seq 4 (line 4) differs from the anchor of line ${n + 1}`,
    );
    // Redis against every anchor found: the audit file's lines, and a Slack export of the audit channel (JSON-escaped).
    const channel = path.join(dir, 'audit-channel.json');
    fs.writeFileSync(
      channel,
      JSON.stringify([{ type: 'message', text: anchorMessage(anchorOf(records[6])).text, ts: '1.000001' }], null, 2),
    );
    const all = await audit(['verify', '--anchors-from', anchored, '--anchors-from', channel], env);
    expect(all).toMatchObject({ code: 0, out: expect.stringContaining('3 anchors matched (the newest at seq 10)') as unknown });
    // Anchors that disagree about a seq: the log was rewritten between the two readings.
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, `7:${'0'.repeat(64)}\n`);
    const conflict = await audit(['verify', '--anchors-from', channel, '--anchors-from', notes], env);
    expect(conflict.code).toBe(1);
    expect(conflict.out).toContain(`anchors disagree about record seq 7 (${records[6]?.hash.slice(0, 16) ?? ''}…`);
    // A file with no anchor at all is the wrong file: said, exit 2.
    const none = await audit(['verify', '--anchors-from', sink.path], env);
    expect(none).toMatchObject({ code: 2, err: expect.stringContaining(`no anchor in ${sink.path}`) as unknown });
  });

  it('verify --anchor, --against: a log rewritten with recomputed hashes is caught by an anchor noted earlier or the file copy', async () => {
    expect((await audit(['verify', '--against', sink.path], env)).code).toBe(0);
    const anchor = `5:${records[4]?.hash ?? ''}`;
    expect(await audit(['verify', '--anchor', anchor], env)).toMatchObject({
      code: 0,
      out: expect.stringContaining('1 anchor matched') as unknown,
    });
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
    // ...but not against the file copy...
    const against = await audit(['verify', '--against', sink.path], env);
    expect(against.code).toBe(1);
    expect(against.out).toContain(
      `audit log FAILED verification: against ${sink.path}: record seq 5 differs: Redis (${entries[4]?.[0] ?? ''}) has hash `,
    );
    expect(against.out).toContain(`, the file (line 5) ${records[4]?.hash.slice(0, 16) ?? ''}…\n`);
    // ...nor against the anchor.
    const r = await audit(['verify', '--anchor', anchor], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`record seq 5 (${entries[4]?.[0] ?? ''}) was rewritten: its hash differs from the anchor`);
  });

  it('verify: exit 1 naming the first bad record (a deletion)', async () => {
    const ids = ((await redis.xrange(store.keys.stream, '-', '+')) as Array<[string, string[]]>).map(([id]) => id);
    await redis.xdel(store.keys.stream, ids[4] ?? '');
    const r = await audit(['verify'], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `audit log FAILED verification: record seq 5 is missing between ${ids[3] ?? ''} and ${ids[5] ?? ''} (seq 6) (removed)`,
    );
    expect(r.out).toContain(`1 problem in 10 records (first: removed at seq 5, ${ids[5] ?? ''})`);
  });

  it('verify: the first problem, then the first of each other failing check (head, index), --clock-skew', async () => {
    const ids = ((await redis.xrange(store.keys.stream, '-', '+')) as Array<[string, string[]]>).map(([id]) => id);
    // seq 5 was deleted above: ids[5] is seq 7, on edge-1.
    await redis.zrem(`${store.keys.stream}:host:edge-1`, ids[5] ?? '');
    await redis.del(store.keys.head);
    const r = await audit(['verify', '--clock-skew', '5m'], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `audit log FAILED verification: record seq 5 is missing between ${ids[3] ?? ''} and ${ids[4] ?? ''} (seq 6) (removed)\n`,
    );
    expect(r.out).toContain(
      `also (head): the head ${store.keys.head} is missing while the stream has records (the stream has had 11 entries added and holds 10, last deleted id `,
    );
    expect(r.out).toContain(
      `also (index): record seq 7 (${ids[5] ?? ''}) is missing from the host index edge-1: history and exports by that host do not show it\n`,
    );
    expect(r.out).toContain('3 problems in 10 records (first: removed at seq 5');
    expect((await audit(['verify', '--clock-skew', 'soon'], env)).err).toContain('--clock-skew soon: a duration (90s, 5m, 1h)');
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
