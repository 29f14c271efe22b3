import { drainTotals } from '../../../../src/core/rollout/drain-totals';
import type { RolloutRecord } from '../../../../src/core/rollout/rollout-record';

describe('drainTotals', () => {
  it('adds up the hosts that reported a drain, naming those whose deadline was reached', () => {
    const plan = {
      hosts: ['a', 'b', 'c', 'd'].map((name) => ({ name, batch: 0, state: 'running' as const, apiUp: true })),
    } as RolloutRecord['plan'];
    const hosts: RolloutRecord['hosts'] = {
      a: { stage: 'done', at: 1, drain: { atStart: 5, drained: 5, forcedOff: 0, dropped: 0, deadlineHit: false } },
      b: { stage: 'done', at: 1, drain: { atStart: 3, drained: 2, forcedOff: 1, dropped: 0, deadlineHit: true } },
      c: { stage: 'done', at: 1, drain: { drained: 0, forcedOff: 0, dropped: 2, deadlineHit: false } },
      d: { stage: 'pending', at: 1 },
    };
    expect(drainTotals({ plan, hosts })).toEqual({
      hosts: 3,
      atStart: 8,
      arrived: 0,
      drained: 7,
      forcedOff: 1,
      dropped: 2,
      deadlineHosts: ['b'],
      uncounted: ['c'],
    });
  });
});
