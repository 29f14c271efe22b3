import { renderDryRunReport } from '../../../src/presentation';
import type { Plan, PlanHost } from '../../../src/core/rollout/plan';
import { validateMessageBlocks } from '../../support/slack/block-validation';

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

describe('the dry run report', () => {
  it('lists each host with its commands, says what would be asked, and fits Slack', () => {
    const commands = new Map([['edge-1', ['kill -QUIT 4242', '/usr/local/srs/etc/init.d/srs start']]]);
    const report = renderDryRunReport(plan({ gate: undefined }), commands, 'your confirmation');
    expect(report.text).toContain('*Dry run* — nothing was changed on any host.');
    expect(report.text).toContain('Before it runs: your confirmation');
    const json = JSON.stringify(report.blocks);
    expect(json).toContain('`edge-1` would run:\\n```kill -QUIT 4242\\n/usr/local/srs/etc/init.d/srs start```');
    expect(json).toContain('`edge-2` would run:\\n```(not known: the host did not answer the survey)```');
    expect(() => validateMessageBlocks(report.blocks)).not.toThrow();
    const big = plan({ hosts: Array.from({ length: 200 }, (_, i) => host(i)) });
    const many = renderDryRunReport(big, commands, 'x');
    expect(many.blocks?.length).toBeLessThanOrEqual(50);
    expect(() => validateMessageBlocks(many.blocks)).not.toThrow();
  });
});
