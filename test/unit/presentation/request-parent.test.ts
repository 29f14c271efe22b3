import { renderParentOf, renderRequestParent } from '../../../src/presentation/request-parent';

describe('renderParentOf', () => {
  const record = { requestId: 'r-1', userId: 'U123', channelId: 'C1', verb: 'restart' as const, hosts: ['edge-1', 'edge-2'], text: 'x' };

  it("is the parent message of a stored request: its asker, verb and hosts, in the update's state", () => {
    expect(renderParentOf(record, { state: 'closed', note: 'denied' })).toEqual(
      renderRequestParent({
        requestId: 'r-1',
        userId: 'U123',
        verb: 'restart',
        hosts: ['edge-1', 'edge-2'],
        state: 'closed',
        note: 'denied',
      }),
    );
    expect(renderParentOf(record, { state: 'done', summary: '2 ok', elapsedMs: 3000 }).text).toBe(
      ':white_check_mark: <@U123> asked for *restart* on edge-1, edge-2 (2 hosts): done: 2 ok in 3.0s · request `r-1`',
    );
  });

  it("shows a plan's hosts in place of the record's when given", () => {
    expect(renderParentOf(record, { state: 'awaiting', hosts: ['edge-2'] }).text).toContain('on edge-2: awaiting approval');
  });

  it('names a fan-out by its target and host count, and shows its progress while it runs', () => {
    const fanOut = { ...record, verb: 'status' as const, hosts: [], fanOut: { target: 'all', hostCount: 1000, inventoryDigest: 'd' } };
    expect(renderParentOf(fanOut, { state: 'running', note: 'running: 412 of 1,000 answered · 3 failed' }).text).toBe(
      ':gear: <@U123> asked for *status* on all (1,000 hosts): running: 412 of 1,000 answered · 3 failed · request `r-1`',
    );
    expect(renderParentOf(fanOut, { state: 'queued' }).text).toContain('on all (1,000 hosts): queued');
  });
});
