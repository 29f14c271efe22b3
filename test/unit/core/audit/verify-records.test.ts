import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { entryFromBody } from '../../../../src/core/audit/chain-entry';
import { canonicalJson } from '../../../../src/core/audit/canonical-json';
import { ChainVerifier } from '../../../../src/core/audit/chain-verifier';
import { GENESIS_HASH, hashRecord } from '../../../../src/core/audit/record-hash';
import { MAX_RECORD_CHARS, sealRecord } from '../../../../src/core/audit/seal-record';
import { verifyRecords } from '../../../../src/core/audit/verify-records';
import type { AuditEventInput, AuditRecord } from '../../../../src/ports/audit-port';

const T0 = Date.parse('2024-05-01T10:00:00Z');

function event(i: number): AuditEventInput {
  return {
    type: 'job.result',
    actor: 'worker:w1',
    host: `edge-${(i % 3) + 1}`,
    verb: 'restart',
    requestId: `r${i}`,
    data: { outcome: 'ok', requestedBy: 'U1', i },
  };
}

/** A chain of `n` records as the store builds them. */
function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    const last = out[out.length - 1];
    out.push(sealRecord(event(i), { seq: i + 1, prev: last?.hash ?? GENESIS_HASH, atMs: T0 + i * 1000 }).record);
  }
  return out;
}

function at(records: AuditRecord[], i: number): AuditRecord {
  const r = records[i];
  if (r === undefined) throw new Error(`no record ${i}`);
  return r;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, e: 'x' })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"e":"x"}',
    );
    expect(canonicalJson({ b: 2, a: 1 })).toBe(canonicalJson({ a: 1, b: 2 }));
  });

  it('behaves like JSON.stringify for values: toJSON, non-finite numbers, undefined in arrays, escapes', () => {
    expect(canonicalJson({ t: new Date(0) })).toBe('{"t":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson([Number.NaN, Infinity, undefined, -0])).toBe('[null,null,null,0]');
    expect(canonicalJson('a"\n\u2028\ud800')).toBe(JSON.stringify('a"\n\u2028\ud800'));
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('sorts by UTF-16 code units (RFC 8785), not by locale', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '1': 4, '\ud83d\ude00': 5, '\ufb01': 6 })).toBe(
      '{"1":4,"Z":3,"z":2,"é":1,"\ud83d\ude00":5,"\ufb01":6}',
    );
  });

  it('refuses cycles and BigInt', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow();
    expect(() => canonicalJson({ n: 1n })).toThrow();
  });

  it('property: parse then canonicalize again gives the same text, and key order never matters', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          const reversed = Object.fromEntries(Object.entries(value).reverse());
          expect(canonicalJson(reversed)).toBe(text);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('sealRecord and hashRecord', () => {
  it('hash = SHA-256 of the canonical JSON without hash; the stored body is exactly that text', () => {
    const { record, body } = sealRecord(event(0), { seq: 1, prev: GENESIS_HASH, atMs: T0 });
    expect(record).toMatchObject({ v: 1, seq: 1, at: '2024-05-01T10:00:00.000Z', prev: GENESIS_HASH, type: 'job.result', host: 'edge-1' });
    const { hash, ...rest } = record;
    expect(body).toBe(canonicalJson(rest));
    expect(hash).toBe(createHash('sha256').update(body).digest('hex'));
    expect(hashRecord(record)).toBe(hash);
    expect(Object.keys(record)).not.toContain('channel'); // undefined members are not stored
  });

  it('takes only the event fields: a caller cannot set seq, prev or hash', () => {
    const sneaky = { ...event(0), seq: 99, hash: 'x', prev: 'y' } as AuditEventInput;
    const { record } = sealRecord(sneaky, { seq: 5, prev: GENESIS_HASH, atMs: T0 });
    expect(record.seq).toBe(5);
    expect(record.prev).toBe(GENESIS_HASH);
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses events without type or actor, with non-object data, or too large', () => {
    const pos = { seq: 1, prev: GENESIS_HASH, atMs: T0 };
    expect(() => sealRecord({ ...event(0), actor: '' }, pos)).toThrow(/without an actor/);
    expect(() => sealRecord({ ...event(0), data: [] as unknown as Record<string, unknown> }, pos)).toThrow(/data must be an object/);
    expect(() => sealRecord({ ...event(0), data: { output: 'x'.repeat(MAX_RECORD_CHARS) } }, pos)).toThrow(/too large/);
  });

  it('any change of any field changes the hash', () => {
    const r = at(chain(1), 0);
    for (const change of [
      { actor: 'U2' },
      { seq: 2 },
      { at: '2024-05-01T10:00:00.001Z' },
      { data: { ...r.data, outcome: 'failed' } },
      { host: 'edge-9' },
    ]) {
      expect(hashRecord({ ...r, ...change })).not.toBe(r.hash);
    }
  });
});

describe('verifyRecords: tampering is detected, with the right record named', () => {
  it('an intact chain verifies', () => {
    const report = verifyRecords(chain(10), { seq: 10, hash: at(chain(10), 9).hash });
    expect(report).toEqual({ ok: true, checked: 10, problems: 0, lastSeq: 10, lastId: '#10' });
    expect(verifyRecords([])).toEqual({ ok: true, checked: 0, problems: 0 });
  });

  it('edit a field (hash left as it was): that record, as edited', () => {
    const records = chain(10);
    records[4] = { ...at(records, 4), data: { ...at(records, 4).data, outcome: 'failed' } };
    const report = verifyRecords(records);
    expect(report.ok).toBe(false);
    expect(report.problems).toBe(1);
    expect(report.first).toMatchObject({ kind: 'edited', seq: 5, id: '#5' });
    expect(report.first?.message).toBe('record seq 5 (#5) was edited: its content no longer matches its hash');
  });

  it('edit a field and recompute its hash: that record, as rewritten (the next one still chains to the old hash)', () => {
    const records = chain(10);
    const edited = { ...at(records, 4), actor: 'U666' };
    records[4] = { ...edited, hash: hashRecord(edited) };
    const report = verifyRecords(records);
    expect(report.first).toMatchObject({ kind: 'edited', seq: 5, id: '#5' });
    expect(report.first?.message).toContain('record seq 5 (#5) was rewritten: record seq 6 (#6) chains to a different hash');
  });

  it('rewrite the last record (hash recomputed): caught by the head', () => {
    const records = chain(5);
    const head = { seq: 5, hash: at(records, 4).hash };
    const edited = { ...at(records, 4), data: {} };
    records[4] = { ...edited, hash: hashRecord(edited) };
    expect(verifyRecords(records, head).first).toMatchObject({ kind: 'edited', seq: 5 });
  });

  it('delete a record: the missing seq, between its neighbours', () => {
    const records = chain(10);
    records.splice(3, 1);
    const report = verifyRecords(records);
    expect(report.problems).toBe(1);
    expect(report.first).toMatchObject({ kind: 'removed', seq: 4, id: '#4' });
    expect(report.first?.message).toBe('record seq 4 is missing between #3 and #4 (seq 5) (removed)');
  });

  it('delete several, the first, or the last records', () => {
    const many = chain(10);
    many.splice(2, 3);
    expect(verifyRecords(many).first?.message).toBe('record seq 3..5 are missing between #2 and #3 (seq 6) (removed)');
    const first = chain(5).slice(1);
    expect(verifyRecords(first).first).toMatchObject({
      kind: 'removed',
      seq: 1,
      message: 'record seq 1 is missing before #1 (seq 2) (removed)',
    });
    const all = chain(5);
    const head = { seq: 5, hash: at(all, 4).hash };
    expect(verifyRecords(all.slice(0, 3), head).first).toMatchObject({
      kind: 'removed',
      seq: 4,
      message: 'record seq 4..5 missing at the end, after #3 (removed; the head says 5)',
    });
    expect(verifyRecords([], head).first).toMatchObject({ kind: 'removed', seq: 1 });
  });

  it('swap two adjacent records: the first out of place, as reordered', () => {
    const records = chain(10);
    [records[3], records[4]] = [at(records, 4), at(records, 3)];
    const report = verifyRecords(records);
    expect(report.first).toMatchObject({ kind: 'reordered', seq: 5, id: '#4' });
    expect(report.first?.message).toBe('record seq 5 (#4) is out of order: it stands where seq 4 belongs, which comes later (reordered)');
  });

  it('swap two distant records: the first out of place, as reordered, and the walk goes on', () => {
    const records = chain(10);
    [records[2], records[7]] = [at(records, 7), at(records, 2)];
    const report = verifyRecords(records);
    expect(report.first).toMatchObject({ kind: 'reordered', seq: 8, id: '#3' });
    expect(report.problems).toBeGreaterThan(1);
    expect(report.checked).toBe(10);
  });

  it('a copy of an old record appended again: reordered', () => {
    const records = chain(5);
    records.push(at(records, 1));
    expect(verifyRecords(records).first).toMatchObject({ kind: 'reordered', seq: 2, id: '#6' });
  });

  it('a chain that does not start at genesis; an unreadable entry', () => {
    const records = chain(3);
    const bad = { ...at(records, 0), prev: 'f'.repeat(64) };
    records[0] = { ...bad, hash: hashRecord(bad) };
    expect(verifyRecords(records).first).toMatchObject({
      kind: 'edited',
      seq: 1,
      message: 'record seq 1 (#1) does not chain to the start (prev is not the genesis hash)',
    });
    const junk = [...chain(3)];
    junk.splice(1, 1, { hello: 'world' } as unknown as AuditRecord);
    expect(verifyRecords(junk).first).toMatchObject({ kind: 'unreadable', id: '#2' });
  });

  it('stored bodies (the Redis form): the body is hashed as stored; a body edited in place is caught', () => {
    const sealed = [0, 1, 2].reduce<Array<{ body: string; hash: string }>>((acc, i) => {
      const prev = acc[acc.length - 1]?.hash ?? GENESIS_HASH;
      const { record, body } = sealRecord(event(i), { seq: i + 1, prev, atMs: T0 });
      return [...acc, { body, hash: record.hash }];
    }, []);
    const v = new ChainVerifier();
    sealed.forEach((s, i) => v.push(entryFromBody(`1-${i}`, i === 1 ? s.body.replace('"ok"', '"failed"') : s.body, s.hash)));
    expect(v.finish().first).toMatchObject({ kind: 'edited', seq: 2, id: '1-1' });
  });

  it('property: removing any one record or swapping any two is detected, naming a record near the spot', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 30 }), fc.nat(), fc.nat(), fc.boolean(), (n, a, b, swap) => {
        const records = chain(n);
        const i = a % n;
        const j = b % n;
        if (swap) {
          if (i === j) return;
          [records[i], records[j]] = [at(records, j), at(records, i)];
        } else records.splice(i, 1);
        const report = verifyRecords(records, { seq: n, hash: at(chain(n), n - 1).hash });
        expect(report.ok).toBe(false);
        const first = Math.min(i, j);
        if (swap) expect(report.first).toMatchObject({ kind: 'reordered', id: `#${first + 1}` });
        else expect(report.first).toMatchObject({ kind: 'removed', seq: i + 1 });
      }),
      { numRuns: 300 },
    );
  });
});
