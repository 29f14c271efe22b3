import { PacedChat } from '../../../src/adapters/paced-chat';
import type { ChatMessage } from '../../../src/core/command';
import type { ChatPort, PostedMessage } from '../../../src/ports/chat-port';

/** A chat that records every edit it receives, with when. */
function recordingChat(): { chat: ChatPort; edits: Array<{ text: string; at: number }> } {
  const edits: Array<{ text: string; at: number }> = [];
  const chat: ChatPort = {
    post: (channel): Promise<PostedMessage> => Promise.resolve({ channel, ts: '1.1' }),
    update: (_c, _ts, message: ChatMessage) => {
      edits.push({ text: message.text, at: Date.now() });
      return Promise.resolve();
    },
    postEphemeral: () => Promise.resolve(),
  };
  return { chat, edits };
}

describe('PacedChat edits', () => {
  it('coalesces edits of one message to one per interval, the latest content winning', async () => {
    const { chat, edits } = recordingChat();
    const paced = new PacedChat(chat, { updateIntervalMs: 300 });
    const first = paced.update('C', '1.1', { text: 'a' });
    await first;
    const started = Date.now();
    await Promise.all([paced.update('C', '1.1', { text: 'b' }), paced.update('C', '1.1', { text: 'c' })]);
    expect(edits.map((e) => e.text)).toEqual(['a', 'c']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('an edit asked for `now` (a milestone) goes at once, taking the waiting content with it', async () => {
    const { chat, edits } = recordingChat();
    const paced = new PacedChat(chat, { updateIntervalMs: 5000 });
    await paced.update('C', '1.1', { text: 'draining: 1 client left' });
    const waiting = paced.update('C', '1.1', { text: 'draining: 1 client left (later)' });
    const started = Date.now();
    await paced.update('C', '1.1', { text: 'drained: every client left' }, { now: true });
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(edits.map((e) => e.text)).toEqual(['draining: 1 client left', 'drained: every client left']);
  });
});
