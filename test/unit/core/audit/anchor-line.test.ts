import { createLogger } from '../../../../src/adapters/logger';
import { anchorFromValue, anchorLine, findAnchors, mergeAnchors } from '../../../../src/core/audit/anchor-line';
import { gatherAnchors } from '../../../../src/core/audit/anchor-check';
import { anchorMessage } from '../../../../src/core/audit/anchor-message';
import { changesState } from '../../../../src/bot/anchoring-audit';
import { AnchorPublisher } from '../../../../src/bot/publish-anchors';
import type { AuditAnchor } from '../../../../src/core/audit/anchor-line';
import type { ChainHead } from '../../../../src/core/audit/chain-verifier';
import type { AnchorSink, AnchorSource } from '../../../../src/ports/anchor-port';
import { noopMetrics } from '../../../../src/ports/metrics-port';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('anchor lines', () => {
  it('are canonical JSON with no v, so they are never taken for a record, and parse back', () => {
    const a = { seq: 42, hash: H1, at: '2026-12-07T04:00:00.000Z' };
    expect(anchorLine(a)).toBe(`{"anchor":1,"at":"2026-12-07T04:00:00.000Z","hash":"${H1}","seq":42}`);
    expect(anchorFromValue(JSON.parse(anchorLine(a)))).toEqual(a);
    expect(anchorFromValue({ anchor: 1, at: 'x', hash: 'short', seq: 1 })).toBeUndefined();
    expect(anchorFromValue({ v: 1, seq: 1, hash: H1 })).toBeUndefined();
  });

  it('are found in the audit channel as posted, in a Slack export (JSON-escaped), and as SEQ:HASH or head: lines', () => {
    const posted = anchorMessage({ seq: 7, hash: H1, at: '2026-12-07T04:00:00.000Z' }).text;
    const slackExport = JSON.stringify(
      [
        { type: 'message', text: posted, ts: '1.1' },
        { type: 'message', text: 'hello {"anchor":1}', ts: '1.2' },
      ],
      null,
      2,
    );
    expect(findAnchors(slackExport).map((f) => f.anchor)).toEqual([{ seq: 7, hash: H1, at: '2026-12-07T04:00:00.000Z' }]);
    expect(findAnchors(`notes\nhead: 9:${H2}\n12:${H1}\nseq 3:${H1} is not alone on its line\n`)).toEqual([
      { anchor: { seq: 9, hash: H2 }, line: 2 },
      { anchor: { seq: 12, hash: H1 }, line: 3 },
    ]);
  });

  it('that disagree about a seq are a finding, and the earliest published is kept', () => {
    const found = [
      { anchor: { seq: 5, hash: H2, at: '2026-12-07T05:00:00.000Z' }, line: 3, source: 'chan.json' },
      { anchor: { seq: 5, hash: H1, at: '2026-12-07T04:00:00.000Z' }, line: 9, source: 'audit.jsonl' },
      { anchor: { seq: 2, hash: H1 }, line: 1, source: 'notes' },
    ];
    expect(mergeAnchors(found)).toEqual({
      anchors: [
        { seq: 2, hash: H1 },
        { seq: 5, hash: H1 },
      ],
      conflicts: [{ seq: 5, hashes: [H2, H1], where: ['chan.json:3', 'audit.jsonl:9'] }],
    });
    const g = gatherAnchors([{ seq: 2, hash: H1 }], [{ source: 'chan.json', anchors: [{ anchor: { seq: 2, hash: H2 }, line: 4 }] }]);
    expect(g.findings).toEqual([
      expect.objectContaining({
        kind: 'edited',
        seq: 2,
        message: expect.stringContaining('anchors disagree about record seq 2') as unknown,
      }),
    ]);
  });
});

describe('which records publish an anchor soon after them', () => {
  it('state-changing verbs, upgrades, approvals, rollouts and presses; not status, history or process records', () => {
    expect(changesState({ type: 'request.received', actor: 'U1', verb: 'restart', data: {} })).toBe(true);
    expect(changesState({ type: 'job.result', actor: 'w', verb: 'upgrade', data: {} })).toBe(true);
    expect(changesState({ type: 'approval.granted', actor: 'U1', data: {} })).toBe(true);
    expect(changesState({ type: 'button.pressed', actor: 'U1', data: {} })).toBe(true);
    expect(changesState({ type: 'request.received', actor: 'U1', verb: 'status', data: {} })).toBe(false);
    expect(changesState({ type: 'request.received', actor: 'U1', data: { command: 'history' } })).toBe(false);
    expect(changesState({ type: 'process.started', actor: 'bot', data: {} })).toBe(false);
  });
});

/** A log whose head the test moves, with claims as Redis keeps them (shared by "replicas"). */
function fakeSource(): AnchorSource & { head$: ChainHead | undefined; claims: Set<number> } {
  const s = {
    head$: undefined as ChainHead | undefined,
    claims: new Set<number>(),
    head: () => Promise.resolve(s.head$),
    claim: (seq: number) => Promise.resolve(s.claims.has(seq) ? false : (s.claims.add(seq), true)),
    release: (seq: number) => Promise.resolve(void s.claims.delete(seq)),
  };
  return s;
}

function sink(kind = 'chat'): AnchorSink & { got: AuditAnchor[]; fail: boolean } {
  const s = {
    kind,
    name: kind,
    got: [] as AuditAnchor[],
    fail: false,
    publish: (a: AuditAnchor) => (s.fail ? Promise.reject(new Error('not_in_channel')) : Promise.resolve(void s.got.push(a))),
  };
  return s;
}

const logger = createLogger('test', { LOG_LEVEL: 'silent' });
const publisher = (source: AnchorSource, sinks: AnchorSink[], settleMs = 30) =>
  new AnchorPublisher({ source, sinks, logger, metrics: noopMetrics, now: () => Date.now(), everyMs: 3_600_000, settleMs });

describe('the anchor publisher', () => {
  it('coalesces a burst of nudges into one anchor of the head, after the burst settles', async () => {
    const source = fakeSource();
    const chat = sink();
    const p = publisher(source, [chat]);
    source.head$ = { seq: 3, hash: H1 };
    for (let i = 0; i < 5; i++) {
      p.nudge();
      source.head$ = { seq: 4 + i, hash: H1 };
      await sleep(5);
    }
    await sleep(80);
    expect(chat.got.map((a) => a.seq)).toEqual([8]);
    await p.stop();
    expect(chat.got.map((a) => a.seq)).toEqual([8]); // the head did not move: stop publishes nothing new
  });

  it('publishes each head once across replicas, nothing for an empty log, and retries a head no sink took', async () => {
    const source = fakeSource();
    const [a, b] = [sink(), sink()];
    const [p1, p2] = [publisher(source, [a]), publisher(source, [b])];
    expect(await p1.publish()).toBeUndefined();
    source.head$ = { seq: 10, hash: H2 };
    await Promise.all([p1.publish(), p2.publish()]);
    expect([...a.got, ...b.got].map((x) => x.seq)).toEqual([10]);
    source.head$ = { seq: 11, hash: H1 };
    a.fail = true;
    expect(await p1.publish()).toBeUndefined();
    expect(source.claims.has(11)).toBe(false); // given back
    a.fail = false;
    expect(await p1.publish()).toMatchObject({ seq: 11, hash: H1 });
  });

  it('a sink that fails does not stop the others; with no sink it does nothing', async () => {
    const source = fakeSource();
    source.head$ = { seq: 2, hash: H1 };
    const [chat, file] = [sink('chat'), sink('file')];
    chat.fail = true;
    expect(await publisher(source, [chat, file]).publish()).toMatchObject({ seq: 2 });
    expect(file.got).toHaveLength(1);
    const none = publisher(fakeSource(), []);
    none.start();
    none.nudge();
    await none.stop();
  });
});
