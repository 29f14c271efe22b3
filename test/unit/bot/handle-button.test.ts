import { aliceRequest, pipelineFixture } from '../../support/bot/pipeline-fixture';
import { handleButton } from '../../../src/bot/handle-button';
import { GRACE_ACTIONS } from '../../../src/core/grace/grace-actions';

const record = aliceRequest;
const harness = pipelineFixture;

describe('the button pipeline routes by the button table and records every refusal', () => {
  const value = JSON.stringify({ requestId: record.requestId, jobId: `${record.requestId}-edge-1`, host: 'edge-1' });

  it('an action id no row has: "Unknown button", recorded', async () => {
    const h = harness();
    const reply = await handleButton(h.deps, { actionId: 'srs_grace_reboot', value, userId: 'U0OPS0001', channelId: 'C0OPS0001' });
    expect(reply.ephemeral?.text).toBe('Unknown button; nothing was done.');
    expect(h.audit.records).toMatchObject([
      { type: 'button.denied', actor: 'U0OPS0001', data: { action: 'srs_grace_reboot', reason: 'unknown button' } },
    ]);
  });

  it('a damaged value: refused by the row grammar, recorded', async () => {
    const h = harness();
    const reply = await handleButton(h.deps, { actionId: GRACE_ACTIONS.force, value: '{', userId: 'U0OPS0001', channelId: 'C0OPS0001' });
    expect(reply.ephemeral?.text).toBe("This button is not one of srs-chatops's, or it is damaged; nothing was done.");
    expect(h.audit.records).toMatchObject([{ type: 'button.denied', data: { reason: 'damaged button value' } }]);
  });

  it("a viewer pressing someone else's grace button: refused with the host named, recorded with the job", async () => {
    const h = harness();
    const reply = await handleButton(h.deps, { actionId: GRACE_ACTIONS.cancel, value, userId: 'U0VIEW001', channelId: 'C0OPS0001' });
    expect(reply.ephemeral?.text).toBe('Only <@U0ALICE01> (who asked) or an operator may decide for edge-1; nothing was done.');
    expect(h.audit.records).toMatchObject([
      {
        type: 'button.denied',
        actor: 'U0VIEW001',
        requestId: record.requestId,
        host: 'edge-1',
        data: { action: GRACE_ACTIONS.cancel, jobId: `${record.requestId}-edge-1`, reason: 'not the requester nor an operator' },
      },
    ]);
  });
});
