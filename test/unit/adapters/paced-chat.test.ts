import { PacedChat } from '../../../src/adapters/paced-chat';
import { LocalRateGate } from '../../../src/adapters/pacing/local-rate-gate';
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
  it('a held edit that became stale while it waited (the summary went meanwhile, from another replica) is not sent', async () => {
    const { chat, edits } = recordingChat();
    const paced = new PacedChat(chat, { updateIntervalMs: 300 });
    await paced.update('C', '1.1', { text: 'running: 1 of 3' });
    let summarySent = false;
    const held = paced.update('C', '1.1', { text: 'running: 2 of 3' }, { stale: () => Promise.resolve(summarySent) });
    summarySent = true; // another replica's summary edit, while this one waits its turn
    await held;
    expect(edits.map((e) => e.text)).toEqual(['running: 1 of 3']);
    // Newer content without a check replaces a held stale one and goes; a failing check never drops content.
    await paced.update('C', '1.1', { text: 'running: 2 of 3' }, { stale: () => Promise.reject(new Error('redis down')) });
    const progress = paced.update('C', '1.1', { text: 'running: 2 of 3 (later)' }, { stale: () => Promise.resolve(true) });
    const summary = paced.update('C', '1.1', { text: 'done: 3 ok' });
    await Promise.all([progress, summary]);
    expect(edits.map((e) => e.text)).toEqual(['running: 1 of 3', 'running: 2 of 3', 'done: 3 ok']);
  });

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

describe('PacedChat with a shared gate (two replicas)', () => {
  it('two chats booking at one gate post to a channel together no faster than one may', async () => {
    const gate = new LocalRateGate();
    const posts: number[] = [];
    const inner: ChatPort = {
      post: (channel): Promise<PostedMessage> => {
        posts.push(Date.now());
        return Promise.resolve({ channel, ts: '1.1' });
      },
      update: () => Promise.resolve(),
      postEphemeral: () => Promise.resolve(),
    };
    const options = { gate, burst: 2, postIntervalMs: 100 };
    const [a, b] = [new PacedChat(inner, options), new PacedChat(inner, options)];
    const started = Date.now();
    await Promise.all([0, 1, 2, 3].flatMap((i) => [a.post('C', { text: `a${i}` }), b.post('C', { text: `b${i}` })]));
    // 8 posts, burst 2, then one per 100 ms: the last goes at least 600 ms after the first.
    expect(posts).toHaveLength(8);
    expect(Date.now() - started).toBeGreaterThanOrEqual(580);
  });
});
