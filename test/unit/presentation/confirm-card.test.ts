import { renderConfirmCard } from '../../../src/presentation';
import { planHost as host, rollingPlan as plan } from '../../support/rolling-plan';
import { validateMessageBlocks } from '../../support/slack/block-validation';

describe('the blast-radius confirmation card', () => {
  it('shows the plan in batches, what it touches now, why it asks, and Confirm / Cancel; valid Block Kit', () => {
    const card = renderConfirmCard(plan(), 0);
    expect(card.text).toContain('asks to *restart --graceful* on *edges*: 6 hosts · batches of 2 (3 batches) · failure budget 0');
    expect(card.text).toContain('drain deadline 2m 0s, then force quit');
    expect(card.text).toContain('*Blast radius now:* 6 hosts in 3 batches · 12 live viewers · 6 publishers');
    expect(card.text).toContain('Streams whose publisher is cut off: `edge-1: live/cam`');
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
