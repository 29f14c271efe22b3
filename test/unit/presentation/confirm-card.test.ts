import { renderConfirmCard } from '../../../src/presentation';
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

describe('the blast-radius confirmation card', () => {
  it('shows the plan in batches, what it touches now, why it asks, and Confirm / Cancel; valid Block Kit', () => {
    const card = renderConfirmCard(plan(), 0);
    expect(card.text).toContain('asks to *restart --graceful* on *edges*: 6 hosts · batches of 2 (3 batches) · failure budget 0');
    expect(card.text).toContain('drain deadline 2m 0s, then force quit');
    expect(card.text).toContain('*Blast radius now:* 6 hosts in 3 batches · 12 live viewers · 6 publishers');
    expect(card.text).toContain('Streams that lose their publisher while their host restarts: `edge-1: live/cam`');
    expect(card.text).toContain('This is a wide change: 6 hosts (more than `confirm.hosts` = 3). Only <@U0ASKER01> can confirm it');
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('srs_confirm_go');
    expect(json).toContain('srs_confirm_cancel');
    expect(() => validateMessageBlocks(card.blocks)).not.toThrow();
  });

  it('escapes stream names the hosts report (host text)', () => {
    const card = renderConfirmCard(plan({ hosts: [host(0, { publishedStreams: ['live/<!channel>'] }), host(1)] }), 0);
    expect(card.text).not.toContain('<!channel>');
  });
});
