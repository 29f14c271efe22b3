import { canonicalJson } from '../../../../src/core/audit/canonical-json';
import { entryFromLine, FileComparison, verifyFileEntries } from '../../../../src/core/audit/file-records';
import { checkHead } from '../../../../src/core/audit/head-check';
import { IndexLedger } from '../../../../src/core/audit/index-ledger';
import { GENESIS_HASH } from '../../../../src/core/audit/record-hash';
import { sealRecord } from '../../../../src/core/audit/seal-record';
import { roughDuration, StreamTimeCheck, streamIdTime } from '../../../../src/core/audit/stream-time-check';
import type { AuditRecord } from '../../../../src/ports/audit-port';

const T0 = Date.parse('2024-05-01T10:00:00Z');

/** Records on edge-1/edge-2, requested by U0ALICE, each its own request; stream id `T0+i s - i`. */
function log(n: number): Array<{ id: string; record: AuditRecord }> {
  const out: Array<{ id: string; record: AuditRecord }> = [];
  for (let i = 0; i < n; i++) {
    const prev = out[out.length - 1]?.record.hash ?? GENESIS_HASH;
    const { record } = sealRecord(
      { type: 'job.result', actor: 'worker:w1', host: `edge-${(i % 2) + 1}`, requestId: `r${i}`, data: { requestedBy: 'U0ALICE' } },
      { seq: i + 1, prev, atMs: T0 + i * 1000 },
    );
    out.push({ id: `${T0 + i * 1000}-${i}`, record });
  }
  return out;
}

describe('IndexLedger: indexes against the stream, both ways', () => {
  const records = log(6);
  const ledger = (): IndexLedger => {
    const l = new IndexLedger();
    for (const { id, record } of records) l.note(id, record);
    return l;
  };
  const entriesOf = (host: string): Array<{ member: string; score: number }> =>
    records.filter((r) => r.record.host === host).map((r) => ({ member: r.id, score: r.record.seq }));

  it('knows which indexes the records belong in, and passes complete ones', () => {
    const l = ledger();
    expect(
      l
        .expectedIndexes()
        .map((r) => `${r.kind}:${r.value}`)
        .sort(),
    ).toEqual([
      'host:edge-1',
      'host:edge-2',
      'request:r0',
      'request:r1',
      'request:r2',
      'request:r3',
      'request:r4',
      'request:r5',
      'user:U0ALICE',
    ]);
    l.check({ kind: 'host', value: 'edge-1' }, entriesOf('edge-1'));
    expect(l.result()).toEqual({ problems: 0 });
  });

  it('names a record missing from an index, a stray entry and a wrong id; the lowest seq first', () => {
    const l = ledger();
    l.check(
      { kind: 'host', value: 'edge-1' },
      entriesOf('edge-1').filter((e) => e.score !== 5),
    );
    l.check({ kind: 'host', value: 'edge-2' }, [...entriesOf('edge-2'), { member: records[0]?.id ?? '', score: 1 }]);
    expect(l.result()).toEqual({
      problems: 2,
      first: {
        kind: 'index',
        seq: 1,
        id: records[0]?.id,
        message: `the host index edge-2 lists record seq 1 (${records[0]?.id ?? ''}), which is not a record of that host`,
      },
    });
    const w = ledger();
    w.check(
      { kind: 'user', value: 'U0ALICE' },
      records.map((r) => ({ member: r.record.seq === 4 ? 'x-1' : r.id, score: r.record.seq })),
    );
    expect(w.result().first?.message).toBe(`the user index U0ALICE lists x-1 as seq 4, but record seq 4 is ${records[3]?.id ?? ''}`);
    const m = ledger();
    m.check(
      { kind: 'host', value: 'edge-1' },
      entriesOf('edge-1').filter((e) => e.score !== 5),
    );
    expect(m.result().first?.message).toBe(
      `record seq 5 (${records[4]?.id ?? ''}) is missing from the host index edge-1: history and exports by that host do not show it`,
    );
  });

  it('leaves an entry of a record removed from the stream to the chain check; checks entries added after the walk', () => {
    const l = new IndexLedger();
    for (const { id, record } of records) if (record.seq !== 3) l.note(id, record);
    l.check({ kind: 'host', value: 'edge-1' }, entriesOf('edge-1'));
    expect(l.result().problems).toBe(0);
    l.checkLate({ kind: 'host', value: 'edge-1' }, { member: '9-9', score: 9 }, undefined);
    expect(l.result().first?.message).toBe('the host index edge-1 lists 9-9 (seq 9), which is not in the stream');
  });
});

describe("StreamTimeCheck: stream ids against the records' times", () => {
  it('passes ids within the skew; names the first record whose id is further off', () => {
    const check = new StreamTimeCheck(60_000);
    const records = log(3);
    check.push(records[0]?.id ?? '', records[0]?.record as AuditRecord);
    check.push(`${T0 + 1000 + 59_000}-0`, records[1]?.record as AuditRecord);
    expect(check.result()).toEqual({ problems: 0 });
    check.push(`${T0 + 2000 - 10 * 86_400_000}-0`, records[2]?.record as AuditRecord);
    expect(check.result()).toMatchObject({ problems: 1, first: { kind: 'time', seq: 3 } });
    expect(check.result().first?.message).toContain(
      'its stream id is 10 d before its own time 2024-05-01T10:00:02.000Z (more than the 1 min clock skew allowed)',
    );
  });

  it('reads stream ids and rough durations', () => {
    expect(streamIdTime('1714557600123-7')).toBe(1714557600123);
    expect(streamIdTime('nope')).toBeNaN();
    expect([roughDuration(45_000), roughDuration(90 * 60_000), roughDuration(36 * 3_600_000)]).toEqual(['45 s', '1.5 h', '1.5 d']);
  });
});

describe("checkHead: the head against the stream's counters", () => {
  const counters = { length: 190, entriesAdded: 200, maxDeletedId: '200-0', lastGeneratedId: '200-0' };
  it('a missing head over a stream with records, a lagging head, entries deleted, a rebuilt head', () => {
    expect(checkHead({}, counters, 'h', false)[0]?.message).toBe(
      'the head h is missing while the stream has records (the stream has had 200 entries added and holds 190, last deleted id 200-0): records at the end may have been removed with it',
    );
    expect(checkHead({ seq: 190, hash: 'a', id: '190-0' }, counters, 'h', false)[0]).toMatchObject({ kind: 'head', seq: 190, id: '190-0' });
    expect(checkHead({ seq: 200, hash: 'a', id: '200-0' }, counters, 'h', false)[0]?.message).toMatch(
      /^10 entries were deleted from the stream, which is never trimmed/,
    );
    expect(checkHead({ seq: 200, hash: 'a', id: '200-0' }, counters, 'h', true)).toEqual([]); // the walk named the hole
    expect(
      checkHead(
        { seq: 191, hash: 'a', id: '201-0', rebuilt: { fromSeq: 190, entriesAdded: 200, length: 190, atId: '201-0' } },
        { ...counters, length: 191, entriesAdded: 201, lastGeneratedId: '201-0' },
        'h',
        false,
      )[0],
    ).toMatchObject({ kind: 'head', seq: 191, id: '201-0' });
  });

  it('an intact log, and an empty one, have no finding', () => {
    expect(checkHead({ seq: 5, hash: 'a', id: '5-0' }, { length: 5, entriesAdded: 5, lastGeneratedId: '5-0' }, 'h', false)).toEqual([]);
    expect(checkHead({}, undefined, 'h', false)).toEqual([]);
  });
});

describe('audit files: verified with no Redis, compared with Redis', () => {
  const records = log(6).map((r) => r.record);
  const lines = records.map((r) => canonicalJson(r));

  it('takes lines by seq (several processes interleave them), from the first seq found; names the edited line', () => {
    const interleaved = [lines[0], lines[2], lines[1], lines[3], lines[5], lines[4]].map((l, i) => entryFromLine(l ?? '', i + 1));
    expect(verifyFileEntries(interleaved)).toMatchObject({ ok: true, checked: 6, lastSeq: 6 });
    expect(verifyFileEntries(lines.slice(3).map((l, i) => entryFromLine(l, i + 4)))).toMatchObject({ ok: true, checked: 3 });
    const edited = lines.map((l, i) => entryFromLine(i === 2 ? l.replace('edge-1', 'edge-9') : l, i + 1));
    expect(verifyFileEntries(edited).first).toMatchObject({ kind: 'edited', seq: 3, id: 'line 3' });
    const gap = lines.filter((_, i) => i !== 3).map((l, i) => entryFromLine(l, i + 1));
    expect(verifyFileEntries(gap).first).toMatchObject({ kind: 'removed', seq: 4 });
    expect(verifyFileEntries([entryFromLine('not json', 1), ...lines.slice(1).map((l, i) => entryFromLine(l, i + 2))]).first).toMatchObject(
      { kind: 'unreadable', id: 'line 1' },
    );
  });

  it("compares seq by seq over the file's range: a record differing, missing from Redis, or missing from the file", () => {
    const file = new Map(records.slice(1, 5).map((r) => [r.seq, { hash: r.hash, line: `line ${r.seq - 1}` }] as const));
    const same = new FileComparison(file);
    records.forEach((r, i) => same.push(`${i}-0`, r));
    expect(same.finish()).toEqual({ problems: 0 }); // seq 1 and 6 are outside the file: not compared
    const other = new FileComparison(file);
    records.filter((r) => r.seq !== 4).forEach((r, i) => other.push(`${i}-0`, r.seq === 3 ? { ...r, hash: 'f'.repeat(64) } : r));
    expect(other.finish()).toMatchObject({
      problems: 2,
      first: {
        kind: 'edited',
        seq: 3,
        message: expect.stringContaining('record seq 3 differs: Redis (2-0) has hash ffffffffffffffff…') as unknown,
      },
    });
  });
});
