import type { VerbResult } from '../../../src/core/verb-result';
import { fanOutProgressNote, fanOutSummaryLines, formatCount, versionsLine } from '../../../src/presentation/fan-out-summary';

function ok(host: string, version: string | undefined, durationMs = 100): VerbResult {
  const snap = { state: 'running' as const, apiUp: true, ...(version !== undefined ? { version } : {}) };
  return {
    v: 1,
    host,
    verb: 'status',
    outcome: 'ok',
    summary: 'running',
    before: snap,
    after: snap,
    evidence: [],
    exitCode: null,
    durationMs,
    output: '',
  };
}

describe('fan-out summary and progress', () => {
  it('progress: answered of all, with the outcomes that need a look (zero counts left out)', () => {
    expect(fanOutProgressNote(412, 1000, { ok: 409, failed: 3 })).toBe('running: 412 of 1,000 answered · 3 failed');
    expect(fanOutProgressNote(40, 1000, { ok: 40 })).toBe('running: 40 of 1,000 answered');
    expect(fanOutProgressNote(12, 20, { failed: 1, unknown: 2, refused: 1 })).toBe(
      'running: 12 of 20 answered · 1 failed, 2 unknown, 1 refused',
    );
  });

  it('versions: most common first, hosts without one counted apart', () => {
    expect(versionsLine([ok('a', '6.0.1'), ok('b', '5.0.2'), ok('c', '6.0.1'), ok('d', undefined)])).toBe(
      'SRS 6.0.1 ×2, 5.0.2 ×1, no version read ×1',
    );
    expect(versionsLine([])).toBe('no host answered');
  });

  it('the summary names the slowest hosts', () => {
    const lines = fanOutSummaryLines([ok('a', '6', 100), ok('b', '6', 9000), ok('c', '6', 2500), ok('d', '6', 50)], 4);
    expect(lines).toEqual(['*4 of 4 hosts answered*: 4 ok', 'Versions: SRS 6 ×4', 'Slowest: b 9.0s, c 2.5s, a 100 ms']);
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
