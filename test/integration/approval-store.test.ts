import { Redis } from 'ioredis';
import { RedisApprovalStore } from '../../src/adapters/redis/redis-approval-store';
import { RedisRolloutStore } from '../../src/adapters/redis/redis-rollout-store';
import type { Plan } from '../../src/core/rollout/plan';
import { getTestRun } from '../support/test-run';

/** This file's own database on the run's shared redis-server. */
const DB = 18;

function plan(id: string, over: Partial<Plan> = {}): Plan {
  return {
    v: 1,
    id,
    verb: 'upgrade',
    target: 'edges',
    version: '6.0.185',
    hosts: [{ name: 'edge-1', batch: 0, from: '6.0.184', state: 'running', apiUp: true }],
    skipped: [],
    batchSize: 1,
    failureBudget: 0,
    rollback: false,
    requiredApprovals: 2,
    approvers: ['UA', 'UB', 'UC'],
    requestedBy: 'UREQ',
    channelId: 'C0OPS',
    createdAt: Date.now(),
    expiresAt: Date.now() + 60000,
    hash: 'a'.repeat(64),
    ...over,
  };
}

describe('approval and rollout stores (real Redis): every transition is atomic', () => {
  let redis: Redis;
  let approvals: RedisApprovalStore;
  let rollouts: RedisRolloutStore;
  beforeAll(async () => {
    redis = new Redis(`${getTestRun().redisUrl}/${DB}`);
    await redis.flushdb();
    approvals = new RedisApprovalStore(redis);
    rollouts = new RedisRolloutStore(redis);
  });
  afterAll(() => redis.disconnect());

  it('N of M under concurrent presses: exactly one press completes it, each person counts once', async () => {
    await approvals.create(plan('r-a-000001'));
    const presses = await Promise.all(
      ['UA', 'UA', 'UB', 'UC', 'UB'].map((u) => approvals.approve('r-a-000001', u, 'a'.repeat(64), Date.now())),
    );
    const statuses = presses.map((p) => p.status);
    expect(statuses.filter((s) => s === 'complete')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'added')).toHaveLength(1);
    const rec = await approvals.get('r-a-000001');
    expect(rec?.state).toBe('approved');
    expect(rec?.approvedBy).toHaveLength(2);
    expect(new Set(rec?.approvedBy).size).toBe(2);
    expect(await approvals.pending()).toEqual([]);
  });

  it('refuses another plan hash, an expired approval, and presses after a close; close wins once', async () => {
    await approvals.create(plan('r-b-000002', { requiredApprovals: 1 }));
    expect((await approvals.approve('r-b-000002', 'UA', 'b'.repeat(64), Date.now())).status).toBe('plan_mismatch');
    expect((await approvals.approve('r-b-000002', 'UA', 'a'.repeat(64), Date.now() + 120000)).status).toBe('expired');
    const closes = await Promise.all([
      approvals.close('r-b-000002', 'denied', 'UA', 'no', Date.now()),
      approvals.close('r-b-000002', 'expired', 'system', 'expired', Date.now()),
    ]);
    expect(closes.filter(Boolean)).toHaveLength(1);
    expect((await approvals.approve('r-b-000002', 'UB', 'a'.repeat(64), Date.now())).status).toBe('not_pending');
    expect((await approvals.approve('r-none-000000', 'UB', 'a'.repeat(64), Date.now())).status).toBe('unknown');
  });

  it('lists what is due for expiry, and forgets index entries of approvals that are gone', async () => {
    await approvals.create(plan('r-c-000003', { expiresAt: Date.now() - 1 }));
    expect(await approvals.due(Date.now())).toContain('r-c-000003');
    await redis.del('srs-chatops:approval:r-c-000003');
    expect(await approvals.close('r-c-000003', 'expired', 'system', 'gone', Date.now())).toBe(false);
    expect(await approvals.due(Date.now())).not.toContain('r-c-000003');
  });

  it('rollout transitions are guarded by the state they come from; newer host states win', async () => {
    const p = plan('r-d-000004');
    await rollouts.create({
      plan: p,
      state: 'running',
      batch: 0,
      hosts: { 'edge-1': { stage: 'pending', at: 1 } },
      startedAt: 1,
      approvedBy: ['UA', 'UB'],
    });
    expect(await rollouts.active()).toContain('r-d-000004');
    const moves = await Promise.all([
      rollouts.transition('r-d-000004', ['running'], 'aborting', { reason: 'x' }),
      rollouts.transition('r-d-000004', ['running'], 'halted', { reason: 'y' }),
    ]);
    expect(moves.filter(Boolean)).toHaveLength(1);
    await rollouts.setHost('r-d-000004', 'edge-1', { stage: 'done', at: 100 });
    await rollouts.setHost('r-d-000004', 'edge-1', { stage: 'installing', at: 50 }); // a late, older event
    const r = await rollouts.get('r-d-000004');
    expect(r?.hosts['edge-1']?.stage).toBe('done');
    expect(await rollouts.transition('r-d-000004', ['running', 'aborting'], 'done', { endedAt: 200 })).toBe(r?.state === 'aborting');
  });
});
