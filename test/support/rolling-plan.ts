import type { Plan, PlanHost } from '../../src/core/rollout/plan';

/** A host of a rolling plan for rendering tests: `edge-<i+1>`, two per batch, 2 players and a publisher. */
export const planHost = (i: number, over: Partial<PlanHost> = {}): PlanHost => ({
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

export function rollingPlan(over: Partial<Plan> = {}): Plan {
  return {
    v: 1,
    id: 'r-abc-123456',
    verb: 'restart',
    target: 'edges',
    hosts: Array.from({ length: 6 }, (_, i) => planHost(i)),
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
