import { ConsoleChat } from '../../src/adapters/console/console-chat';
import { renderGraceConfirm } from '../../src/core/render';

describe('ConsoleChat', () => {
  it('shows threads indented, edits, ephemerals, and buttons as press codes', async () => {
    let out = '';
    const chat = new ConsoleChat({ write: (t) => (out += t) });
    const parent = await chat.post('C1', { text: '*restart* on edge-1 &lt;queued&gt;' });
    await chat.post('C1', { text: 'edge-1 ok\nsecond line' }, parent.ts);
    await chat.update('C1', parent.ts, { text: 'done: 1 ok' });
    await chat.postEphemeral('C1', 'U1', { text: 'only for you' });
    const value = { requestId: 'r-1', jobId: 'r-1-edge-1', host: 'edge-1' };
    const ask = await chat.post('C1', renderGraceConfirm('edge-1', { version: '5.0.216', clients: 3 }, value), parent.ts);
    expect(out).toContain('[#1] *restart* on edge-1 <queued>');
    expect(out).toContain('    ↳ (thread #1) edge-1 ok\n      second line');
    expect(out).toContain('[#1 edited] done: 1 ok');
    expect(out).toContain('(only you) only for you');
    expect(out).toMatch(/\[press b1\] Quit anyway \(drops clients\) {3}\[press b2\] Cancel/);
    expect(chat.button('b1')).toEqual({ actionId: 'srs_grace_confirm', value: JSON.stringify(value), channelId: 'C1', messageTs: ask.ts });
    expect(chat.button('b9')).toBeUndefined();
  });
});
