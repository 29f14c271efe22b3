import { aliceRequest, pipelineFixture } from '../../support/bot/pipeline-fixture';
import { handleCommand } from '../../../src/bot/handle-command';

const record = aliceRequest;
const harness = pipelineFixture;

describe('the command pipeline records every refusal after the request', () => {
  it('a command that does not parse: request.received, then request.invalid', async () => {
    const h = harness();
    const reply = await handleCommand(h.deps, { userId: 'U0OPS0001', channelId: 'C0OPS0001', text: 'restrat edge-1' });
    expect(reply.ephemeral.text).toMatch(/^:warning: unknown verb `restrat`/);
    expect(h.types()).toEqual(['request.received', 'request.invalid']);
    expect(h.audit.records[1]?.data.reason).toMatch(/unknown verb/);
  });

  it('a command the role does not allow: request.denied with the reason and the command', async () => {
    const h = harness();
    const reply = await handleCommand(h.deps, { userId: 'U0VIEW001', channelId: 'C0OPS0001', text: 'stop edge-1' });
    expect(reply.ephemeral.text).toMatch(/^:no_entry: `stop` needs the operator role; you are a viewer/);
    expect(h.types()).toEqual(['request.received', 'request.denied']);
    expect(h.audit.records[1]).toMatchObject({ verb: 'stop', data: { command: { kind: 'verb', verb: 'stop', target: 'edge-1' } } });
  });

  it('an unknown host: request.invalid with the target', async () => {
    const h = harness();
    const reply = await handleCommand(h.deps, { userId: 'U0OPS0001', channelId: 'C0OPS0001', text: 'stop edge-9' });
    expect(reply.ephemeral.text).toMatch(/^:warning: /);
    expect(h.types()).toEqual(['request.received', 'request.invalid']);
    expect(h.audit.records[1]).toMatchObject({ verb: 'stop', data: { target: 'edge-9' } });
  });

  it("cancelling someone else's request as a viewer: refused by the row's rule, and recorded", async () => {
    const h = harness();
    const reply = await handleCommand(h.deps, { userId: 'U0VIEW001', channelId: 'C0OPS0001', text: `cancel ${record.requestId}` });
    expect(reply.ephemeral.text).toBe(`Only <@U0ALICE01> (who asked) or an operator may cancel ${record.requestId}.`);
    expect(h.types()).toEqual(['request.received', 'request.denied']);
    expect(h.audit.records[1]?.data).toEqual({
      reason: 'not the requester nor an operator',
      command: { kind: 'cancel', id: record.requestId },
    });
  });

  it('history of an unknown host: refused by its handler through the pipeline, request.invalid with the target', async () => {
    const h = harness();
    const reply = await handleCommand(h.deps, { userId: 'U0VIEW001', channelId: 'C0OPS0001', text: 'history edge-9' });
    expect(reply.ephemeral.text).toMatch(/^:warning: .*edge-9/);
    expect(h.types()).toEqual(['request.received', 'request.invalid']);
    expect(h.audit.records[1]?.data).toMatchObject({ target: 'edge-9', command: { kind: 'history', target: 'edge-9' } });
    expect(h.audit.records[1]?.data.reason).toMatch(/edge-9/);
  });
});
