import { renderRolloutStatus, drainText } from '../../../src/presentation';
import type { Plan, PlanHost } from '../../../src/core/rollout/plan';
import type { RolloutRecord } from '../../../src/core/rollout/rollout-record';

const host = (i: number, over: Partial<PlanHost> = {}): PlanHost => ({
  name: `edge-${i + 1}`,
  batch: Math.floor(i / 2),
  from: '6.0.184',
  state: 'running',
  apiUp: true,
  clients: 2,
  publishers: 1,
  streams: 1,
  publishedStreams: ['live/cam'],
  ...over,
});

function plan(over: Partial<Plan> = {}): Plan {
  return {
    v: 1,
    id: 'r-abc-123456',
    verb: 'restart',
    target: 'edges',
    hosts: Array.from({ length: 6 }, (_, i) => host(i)),
    skipped: [],
    batchSize: 2,
    failureBudget: 0,
    rollback: false,
    options: { graceful: true },
    drain: { deadlineMs: 120000, force: true },
    healthTimeoutMs: 60000,
    requiredApprovals: 1,
    approvers: ['U0ASKER01'],
    requestedBy: 'U0ASKER01',
    channelId: 'C1',
    createdAt: 0,
    expiresAt: 600000,
    hash: 'a'.repeat(64),
    gate: 'confirm',
    confirmReason: '6 hosts (more than `confirm.hosts` = 3)',
    ...over,
  };
}

describe('drain counts on the rollout status', () => {
  it('says per host and in total who left on their own and who was forced off', () => {
    expect(drainText({ atStart: 3, drained: 2, forcedOff: 1, dropped: 0, deadlineHit: true })).toBe(
      '3 clients: 2 left on their own, 1 forced off at the deadline',
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
