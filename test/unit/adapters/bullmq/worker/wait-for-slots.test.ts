import { groupsOf, jobGroupLimits, waitLeaseMs } from '../../../../../src/adapters/bullmq/worker/wait-for-slots';

describe('the group limits a worker obeys: what the job carries', () => {
  it('none carried, none obeyed', () => {
    expect(jobGroupLimits({})).toEqual({});
    expect(groupsOf({ groupLimits: {} })).toEqual([]);
  });

  it('whole limits of at least 1, group names as the config allows them (nothing else reaches a Redis key)', () => {
    const limits = { origins: 2, edges: 2.7, zero: 0, 'bad:name': 3, Upper: 1, nan: Number.NaN, text: '2' as unknown as number };
    expect(jobGroupLimits({ groupLimits: limits })).toEqual({ origins: 2, edges: 2, zero: 1 });
    expect(groupsOf({ groupLimits: limits })).toEqual(['edges', 'origins', 'zero']);
  });

  it('a waiting job keeps its place much longer than a slot lease (it asks again every poll)', () => {
    expect(waitLeaseMs({ lockTtlMs: 30000, pollMs: 1000 })).toBe(300000);
    expect(waitLeaseMs({ lockTtlMs: 1000, pollMs: 50 })).toBe(60000);
  });
});
