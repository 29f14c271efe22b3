import { gcraReserve } from '../../../../src/core/pacing/gcra';

const perSecond = { key: 'post:C', limit: { intervalMs: 1000, burst: 5 } };

describe('gcraReserve', () => {
  it('lets a burst go at once, then one per interval', () => {
    let tat: number | undefined;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = gcraReserve([{ tat }], [perSecond], 10_000);
      waits.push(r.waitMs);
      tat = r.tats[0];
    }
    expect(waits).toEqual([0, 0, 0, 0, 0, 1000, 2000, 3000]);
  });

  it('books the latest of its keys, and moves every key to that turn', () => {
    const tier = { key: 'method:chat.update', limit: { intervalMs: 1200, burst: 1 } };
    const r = gcraReserve([{ tat: 10_000 }, { tat: 13_000 }], [perSecond, tier], 10_000);
    expect(r.waitMs).toBe(3000);
    expect(r.tats).toEqual([14_000, 14_200]);
  });

  it('a hold (429 Retry-After) keeps every call back until it ends', () => {
    expect(gcraReserve([{ heldUntil: 12_500 }], [perSecond], 10_000).waitMs).toBe(2500);
  });
});
