import { TABLE_ACTIONS } from '../../../src/core/fan-out/table-actions';
import { orderFanOutResults } from '../../../src/core/fan-out/order-results';
import type { Outcome, VerbResult } from '../../../src/core/verb-result';
import { renderFanOutTable, TABLE_PAGE_ROWS, tablePages } from '../../../src/presentation/fan-out-table';
import { validateMessageBlocks } from '../../support/slack/block-validation';
import { renderBlocks } from '../../support/slack/render-blocks';

function result(host: string, outcome: Outcome = 'ok', over: Partial<VerbResult> = {}): VerbResult {
  const up = outcome === 'ok';
  return {
    v: 1,
    host,
    verb: 'status',
    outcome,
    summary: up ? 'running (pid 42), SRS 6.0.184, up 3d 4h' : 'API not answering',
    before: { state: up ? 'running' : 'unknown', apiUp: up, ...(up ? { version: '6.0.184' } : {}) },
    after: { state: up ? 'running' : 'unknown', apiUp: up, ...(up ? { version: '6.0.184' } : {}) },
    evidence: up ? [] : ['connect ECONNREFUSED'],
    exitCode: null,
    durationMs: 100,
    output: '',
    ...over,
  };
}

/** `n` hosts `edge-1`…, every `failEvery`th failed, in table order. */
function fleet(n: number, failEvery = 0): VerbResult[] {
  const all = Array.from({ length: n }, (_, i) => result(`edge-${i + 1}`, failEvery > 0 && (i + 1) % failEvery === 0 ? 'failed' : 'ok'));
  return orderFanOutResults(all);
}

/** A paging button's action id and page. */
function paging(b: { action_id: string; value: string }): [string, number] {
  return [b.action_id, (JSON.parse(b.value) as { page: number }).page];
}

function buttons(blocks: unknown[] | undefined): Array<{ action_id: string; value: string }> {
  return (blocks ?? []).flatMap((b) =>
    (b as { type: string }).type === 'actions' ? (b as { elements: Array<{ action_id: string; value: string }> }).elements : [],
  );
}

/** Slack's limits: the stand-in's block validation, and the message under 40,000 characters. */
function expectWithinSlackLimits(message: { text: string; blocks?: unknown[] }): void {
  expect(() => validateMessageBlocks(message.blocks)).not.toThrow();
  expect(message.blocks?.length ?? 0).toBeLessThanOrEqual(50);
  expect(message.text.length).toBeLessThanOrEqual(40_000);
  expect(JSON.stringify(message).length).toBeLessThan(40_000);
}

describe('renderFanOutTable: one message, a summary and a page of rows', () => {
  it('1 host: the summary and its row, no paging buttons', () => {
    const message = renderFanOutTable({ requestId: 'r-abc-123456', verb: 'status', hostCount: 1, results: fleet(1), page: 0 });
    const text = renderBlocks(message.blocks).join('\n');
    expect(text).toContain('*1 of 1 hosts answered*: 1 ok');
    expect(text).toContain('Versions: SRS 6.0.184 ×1');
    expect(text).toContain(':white_check_mark: *edge-1* ok: running (pid 42), SRS 6.0.184, up 3d 4h (100 ms)');
    expect(text).toContain('page 1 of 1 · hosts 1–1 of 1');
    expect(buttons(message.blocks)).toEqual([]);
    expectWithinSlackLimits(message);
  });

  it('6 hosts with failures: failures first, then by name (edge-2 before edge-10), counts and slowest named', () => {
    const results = orderFanOutResults([
      result('edge-10'),
      result('edge-2', 'failed', { durationMs: 9000 }),
      result('edge-1', 'unknown'),
      result('edge-3', 'refused', { summary: 'cancelled' }),
      result('edge-20'),
      result('edge-4', 'ok', { after: { state: 'running', apiUp: true, version: '5.0.213' } }),
    ]);
    const message = renderFanOutTable({ requestId: 'r-abc-123456', verb: 'status', target: 'edges', hostCount: 7, results, page: 0 });
    const lines = renderBlocks(message.blocks);
    expect(lines[0]).toBe(':bar_chart: *status* on *edges*: results');
    expect(lines).toContain('*6 of 7 hosts answered*: 3 ok, 1 failed, 1 refused, 1 unknown, 1 pending');
    expect(lines).toContain('Versions: SRS 6.0.184 ×2, 5.0.213 ×1, no version read ×3');
    expect(lines.find((l) => l.startsWith('Slowest:'))).toMatch(/^Slowest: edge-2 9\.0s, /);
    const hosts = lines
      .filter((l) => l.startsWith(':'))
      .slice(1)
      .map((l) => /\*([^*]+)\*/.exec(l)?.[1]);
    expect(hosts).toEqual(['edge-2', 'edge-1', 'edge-3', 'edge-4', 'edge-10', 'edge-20']);
    expectWithinSlackLimits(message);
  });

  it('1,000 hosts: 20 pages of 50, Next only on the first, Prev and Next between, Prev only on the last', () => {
    const results = fleet(1000, 40);
    expect(tablePages(results.length)).toBe(1000 / TABLE_PAGE_ROWS);
    const first = renderFanOutTable({ requestId: 'r-abc-123456', verb: 'status', target: 'all', hostCount: 1000, results, page: 0 });
    expect(renderBlocks(first.blocks)).toContain('*1,000 of 1,000 hosts answered*: 975 ok, 25 failed');
    expect(buttons(first.blocks).map((b) => b.value)).toEqual([JSON.stringify({ id: 'r-abc-123456', page: 1 })]);
    expect(buttons(first.blocks).map(paging)).toEqual([[TABLE_ACTIONS.next, 1]]);
    const rows = (m: { blocks?: unknown[] }) => renderBlocks(m.blocks).filter((l) => /^:[a-z_]+: \*edge-/.test(l));
    expect(rows(first)).toHaveLength(50);
    expect(
      rows(first)
        .slice(0, 25)
        .every((l) => l.startsWith(':x:')),
    ).toBe(true);
    expect(rows(first)[25]).toContain('*edge-1* ok');

    const middle = renderFanOutTable({ requestId: 'r-abc-123456', verb: 'status', hostCount: 1000, results, page: 7 });
    expect(buttons(middle.blocks).map(paging)).toEqual([
      [TABLE_ACTIONS.prev, 6],
      [TABLE_ACTIONS.next, 8],
    ]);
    expect(renderBlocks(middle.blocks).join('\n')).toContain('page 8 of 20 · hosts 351–400 of 1,000');

    const last = renderFanOutTable({ requestId: 'r-abc-123456', verb: 'status', hostCount: 1000, results, page: 19 });
    expect(buttons(last.blocks).map(paging)).toEqual([[TABLE_ACTIONS.prev, 18]]);
    expect(rows(last)).toHaveLength(50);
    for (const m of [first, middle, last]) expectWithinSlackLimits(m);
  });

  it('a page past the end shows the last page (a table pressed after fewer results were kept)', () => {
    const message = renderFanOutTable({ requestId: 'r-abc-123456', verb: 'status', hostCount: 120, results: fleet(120), page: 99 });
    expect(renderBlocks(message.blocks).join('\n')).toContain('page 3 of 3 · hosts 101–120 of 120');
  });

  it('page boundaries: 50 hosts fit one page, 51 take two', () => {
    expect(
      buttons(renderFanOutTable({ requestId: 'r-a-000000', verb: 'status', hostCount: 50, results: fleet(50), page: 0 }).blocks),
    ).toEqual([]);
    const two = renderFanOutTable({ requestId: 'r-a-000000', verb: 'status', hostCount: 51, results: fleet(51), page: 1 });
    expect(renderBlocks(two.blocks).join('\n')).toContain('page 2 of 2 · hosts 51–51 of 51');
  });

  it('long host text stays within the limits: every row capped, escaped, sections under 3,000 characters', () => {
    const results = orderFanOutResults(
      Array.from({ length: 1000 }, (_, i) =>
        result(`edge-${i}`, i % 2 === 0 ? 'failed' : 'ok', {
          summary: `<!channel> ${'x'.repeat(5000)}`,
          after: { state: 'running', apiUp: true, version: `6.0.${i}` },
        }),
      ),
    );
    const message = renderFanOutTable({ requestId: 'r-abc-123456', verb: 'status', hostCount: 1000, results, page: 3 });
    expectWithinSlackLimits(message);
    expect(message.text).not.toContain('<!channel>');
    expect(renderBlocks(message.blocks).join('\n')).toContain('994 other versions ×994');
  });

  it('no results yet (a fan-out ended before any host answered): says so, no buttons', () => {
    const message = renderFanOutTable({ requestId: 'r-abc-123456', verb: 'status', hostCount: 1000, results: [], page: 0 });
    expect(renderBlocks(message.blocks).join('\n')).toContain('*0 of 1,000 hosts answered*: 1000 pending');
    expect(buttons(message.blocks)).toEqual([]);
    expectWithinSlackLimits(message);
  });
});
