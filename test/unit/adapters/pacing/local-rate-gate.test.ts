import { LocalRateGate } from '../../../../src/adapters/pacing/local-rate-gate';

describe('LocalRateGate', () => {
  it('paces by the clock it is given: a burst, then one per interval; time passing refills', async () => {
    let now = 0;
    const gate = new LocalRateGate(() => now);
    const c = [{ key: 'k', limit: { intervalMs: 100, burst: 2 } }];
    expect([await gate.reserve(c), await gate.reserve(c), await gate.reserve(c)]).toEqual([0, 0, 100]);
    now = 1000;
    expect(await gate.reserve(c)).toBe(0);
  });

  it('holds a key for a 429 Retry-After', async () => {
    let now = 0;
    const gate = new LocalRateGate(() => now);
    await gate.hold(['k'], 5000);
    now = 1000;
    expect(await gate.reserve([{ key: 'k', limit: { intervalMs: 10, burst: 10 } }])).toBe(4000);
    expect(await gate.reserve([{ key: 'other', limit: { intervalMs: 10, burst: 10 } }])).toBe(0);
  });
});
