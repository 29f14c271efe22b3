import { renderRolloutStatus, drainText } from '../../../src/presentation';
import { planHost as host, rollingPlan as plan } from '../../support/rolling-plan';
import type { RolloutRecord } from '../../../src/core/rollout/rollout-record';

describe('drain counts on the rollout status', () => {
  it('says per host and in total who left on their own and who was forced off', () => {
    expect(drainText({ atStart: 3, drained: 2, forcedOff: 1, dropped: 0, deadlineHit: true })).toBe(
      '3 clients: 2 left on their own, 1 forced off at the deadline',
    );
    expect(drainText({ atStart: 5, arrived: 1, drained: 0, forcedOff: 6, dropped: 0, deadlineHit: true })).toBe(
      '5 clients (+1 arrived before the listeners closed): 0 left on their own, 6 forced off at the deadline',
    );
    const p = plan({ hosts: [host(0), host(1)] });
    const r: RolloutRecord = {
      plan: p,
      state: 'done',
      batch: 0,
      startedAt: 0,
      endedAt: 5000,
      approvedBy: ['U0ASKER01'],
      hosts: {
        'edge-1': { stage: 'done', at: 1, drain: { atStart: 2, drained: 2, forcedOff: 0, dropped: 0, deadlineHit: false } },
        'edge-2': { stage: 'done', at: 1, drain: { atStart: 3, drained: 2, forcedOff: 1, dropped: 0, deadlineHit: true } },
      },
    };
    const text = renderRolloutStatus(r, 5000).text;
    expect(text).toContain('rolling `restart --graceful` on edges: done');
    expect(text).toContain('`edge-1` · done · 2 clients: 2 left on their own, 0 forced off');
    expect(text).toContain('Drain: 5 clients on 2 hosts, 4 left on their own, *1 forced off* · deadline reached on `edge-2`');
    expect(text).toContain('confirmed by <@U0ASKER01>');
  });
});
