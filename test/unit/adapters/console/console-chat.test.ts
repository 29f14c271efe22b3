import { ConsoleChat } from '../../../../src/adapters/console/console-chat';
import { renderGraceConfirm } from '../../../../src/presentation';

function pipe(): { chat: ConsoleChat; out: () => string; clear: () => void } {
  let out = '';
  const chat = new ConsoleChat({ write: (t) => (out += t) });
  return { chat, out: () => out, clear: () => (out = '') };
}

const buttons = (...pairs: Array<[string, string]>): Array<Record<string, unknown>> => [
  {
    type: 'actions',
    elements: pairs.map(([id, label]) => ({ type: 'button', action_id: id, value: id, text: { type: 'plain_text', text: label } })),
  },
];

describe('ConsoleChat', () => {
  it('shows threads indented, edits, ephemerals, and buttons as press codes', async () => {
    const { chat, out } = pipe();
    const parent = await chat.post('C1', { text: '*restart* on edge-1 &lt;queued&gt;' });
    await chat.post('C1', { text: 'edge-1 ok\nsecond line' }, parent.ts);
    await chat.update('C1', parent.ts, { text: 'done: 1 ok' });
    await chat.postEphemeral('C1', 'U1', { text: 'only for you' });
    const value = { requestId: 'r-1', jobId: 'r-1-edge-1', host: 'edge-1' };
    const ask = await chat.post('C1', renderGraceConfirm('edge-1', { version: '5.0.216', clients: 3 }, value), parent.ts);
    expect(out()).toContain('[#1] restart on edge-1 <queued>\n');
    expect(out()).toContain('    ↳ (thread #1) edge-1 ok\n      second line\n');
    expect(out()).toContain('[#1 edited] done: 1 ok\n');
    expect(out()).toContain('(only you) only for you\n');
    expect(out()).toMatch(/\[press b1\] Quit anyway \(drops clients\) {3}\[press b2\] Cancel/);
    expect(chat.button('b1')).toEqual({ actionId: 'srs_grace_confirm', value: JSON.stringify(value), channelId: 'C1', messageTs: ask.ts });
    expect(chat.button('b9')).toBeUndefined();
  });

  it('numbers channel messages 1, 2, … whatever the replies between them', async () => {
    const { chat, out } = pipe();
    const a = await chat.post('C1', { text: 'first' });
    await chat.post('C1', { text: 'reply' }, a.ts);
    await chat.post('C1', { text: 'second' });
    expect(out()).toBe('[#1] first\n    ↳ (thread #1) reply\n[#2] second\n');
  });

  it('on a pipe, shows only the line an edit of a 20-line message changed', async () => {
    const { chat, out, clear } = pipe();
    const rows = Array.from({ length: 20 }, (_, i) => `:hourglass_flowing_sand: *edge-${i}* queued`);
    const m = await chat.post('C1', { text: rows.join('\n') });
    await chat.post('C1', { text: 'something else' });
    clear();
    await chat.update('C1', m.ts, { text: rows.map((r, i) => (i === 12 ? ':white_check_mark: *edge-12* done' : r)).join('\n') });
    expect(out()).toBe('[#1 edited] ✅ edge-12 done\n');
    clear();
    await chat.update('C1', m.ts, { text: rows.slice(0, 18).join('\n') });
    expect(out()).toBe('[#1 edited] ⏳ edge-12 queued\n    (2 lines removed)\n');
    clear();
    await chat.update('C1', m.ts, { text: rows.slice(0, 18).join('\n') });
    expect(out()).toBe('');
  });

  it('names the reply an edit is about by its first line when that did not change', async () => {
    const { chat, out, clear } = pipe();
    const p = await chat.post('C1', { text: 'parent' });
    const r = await chat.post('C1', { text: 'Graceful restart: 0/2 done\nedge-1 draining\nedge-2 draining' }, p.ts);
    await chat.post('C1', { text: 'a milestone' }, p.ts);
    clear();
    await chat.update('C1', r.ts, { text: 'Graceful restart: 0/2 done\nedge-1 exited\nedge-2 draining' });
    expect(out()).toBe('    ↳ (thread #1, edited) Graceful restart: 0/2 done\n      edge-1 exited\n');
  });

  it('keeps the codes of the buttons an edit keeps, gives new buttons new codes, and drops the line when they go', async () => {
    const { chat, out, clear } = pipe();
    const m = await chat.post('C1', { text: 'card', blocks: buttons(['approve', 'Approve'], ['deny', 'Deny']) });
    await chat.post('C1', { text: 'other' });
    expect(out()).toContain('[#1] card\n    [press b1] Approve   [press b2] Deny\n');
    clear();
    await chat.update('C1', m.ts, { text: 'card (1 of 2)', blocks: buttons(['approve', 'Approve'], ['deny', 'Deny']) });
    expect(out()).toBe('[#1 edited] card (1 of 2)\n');
    clear();
    await chat.update('C1', m.ts, { text: 'card (1 of 2)', blocks: buttons(['approve', 'Approve'], ['withdraw', 'Withdraw']) });
    expect(out()).toBe('[#1 edited] [press b1] Approve   [press b3] Withdraw\n');
    expect(chat.button('b3')).toMatchObject({ actionId: 'withdraw', messageTs: m.ts });
    clear();
    await chat.update('C1', m.ts, { text: 'approved' });
    expect(out()).toBe('[#1 edited] approved\n    (1 line removed)\n');
  });

  it('on a terminal, styles the markup and redraws an edit of the last message in place', async () => {
    let out = '';
    const chat = new ConsoleChat({ write: (t) => (out += t), isTTY: true, columns: 100, rows: 30 });
    const m = await chat.post('C1', { text: ':gear: *restart* on `edge-1`: running\nline two' });
    expect(out).toBe('[#1] ⚙ \x1b[1mrestart\x1b[22m on \x1b[36medge-1\x1b[39m: running\n    line two\n');
    out = '';
    await chat.update('C1', m.ts, { text: ':white_check_mark: *restart* on `edge-1`: done\nline two' });
    expect(out).toBe('\x1b[2A\r\x1b[2K[#1] ✅ \x1b[1mrestart\x1b[22m on \x1b[36medge-1\x1b[39m: done\r\x1b[2B');
    out = '';
    chat.moved();
    await chat.update('C1', m.ts, { text: ':x: *restart* on `edge-1`: failed\nline two' });
    expect(out).toBe('[#1 edited] ❌ \x1b[1mrestart\x1b[22m on \x1b[36medge-1\x1b[39m: failed\n');
  });
});
