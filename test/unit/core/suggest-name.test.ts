import fc from 'fast-check';
import { editDistance, suggestName } from '../../../src/core/suggest-name';
import { SERVICE_VERBS } from '../../../src/core/verbs';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['restart', 'restart', 0],
    ['restrat', 'restart', 1],
    ['edge-30', 'edge-3', 1],
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
    ['ca', 'abc', 3],
  ])('%j -> %j = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('is a distance: zero only for equal strings, symmetric, bounded by the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('suggestName', () => {
  it('suggests close names only', () => {
    expect(suggestName('restrat', SERVICE_VERBS)).toBe('restart');
    expect(suggestName('stat', SERVICE_VERBS)).toBe('start');
    expect(suggestName('stauts', SERVICE_VERBS)).toBe('status');
    expect(suggestName('RELAOD', SERVICE_VERBS)).toBe('reload');
    expect(suggestName('statusedge-3', SERVICE_VERBS)).toBe('status'); // a prefix
    expect(suggestName('edge', ['edge-1', 'edges'])).toBe('edges');
    expect(suggestName('xyz', SERVICE_VERBS)).toBeUndefined();
    expect(suggestName('ab', ['xy'])).toBeUndefined();
    expect(suggestName('', SERVICE_VERBS)).toBeUndefined();
  });

  it('never suggests the word itself, prefers the smallest distance, then the first candidate', () => {
    expect(suggestName('edge-3', ['edge-3'])).toBeUndefined();
    expect(suggestName('edge-30', ['edge-31', 'edge-3'])).toBe('edge-31');
    expect(suggestName('edge-9', ['edge-1', 'edge-2'])).toBe('edge-1');
  });
});
