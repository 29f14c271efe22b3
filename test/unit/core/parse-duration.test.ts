import { parseTimeBound } from '../../../src/core/audit/time-bound';
import { MAX_DURATION_MS, parseDuration } from '../../../src/core/parse-duration';

describe('parseDuration: the one duration reader', () => {
  it('reads every unit, compound forms and either case, in milliseconds', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d')).toBe(MAX_DURATION_MS);
    expect(parseDuration('5M')).toBe(300_000);
    expect(parseDuration('2w', { minMs: 0, maxMs: Infinity })).toBe(14 * 86_400_000);
    expect(parseDuration('1w2d3h4m5s', { minMs: 0, maxMs: Infinity })).toBe(((((7 + 2) * 24 + 3) * 60 + 4) * 60 + 5) * 1000);
  });

  it('keeps a flag between 1 s and 24 h unless given another range', () => {
    expect(parseDuration('0s')).toBeUndefined();
    expect(parseDuration('24h1s')).toBeUndefined();
    expect(parseDuration('0s', { minMs: 0, maxMs: 1000 })).toBe(0);
    expect(parseDuration('2s', { minMs: 0, maxMs: 1000 })).toBeUndefined();
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', '5', 'm', '-5m', '5 m', '1.5h', '5y', '5ms', '1234567s', 'h1', '5m ago']) {
      expect(parseDuration(bad, { minMs: 0, maxMs: Infinity })).toBeUndefined();
    }
  });

  it('is what history and audit filters read their durations with', () => {
    expect(parseTimeBound('7d')).toEqual({ agoMs: 7 * 86_400_000 });
    expect(parseTimeBound(' 1D12H ')).toEqual({ agoMs: 36 * 3_600_000 });
    expect(parseTimeBound('0s')).toEqual({ agoMs: 0 });
  });
});
