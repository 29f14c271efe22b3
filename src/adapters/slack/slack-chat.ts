import type { WebClient } from '@slack/web-api';
import type { ChatMessage } from '../../core/command';
import type { ChatPort, PostedMessage } from '../../ports/chat-port';

/** Slack's Web API as a ChatPort. Blocks are passed through; `text` is always set (notifications, fallback). */
export class SlackChat implements ChatPort {
  constructor(private readonly client: WebClient) {}

  async post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage> {
    const res = await this.client.chat.postMessage({
      channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (res.ts === undefined) throw new Error('chat.postMessage returned no ts');
    return { channel: res.channel ?? channel, ts: res.ts };
  }

  async update(channel: string, ts: string, message: ChatMessage): Promise<void> {
    // Without blocks, an update that only has text would drop the old blocks: send an empty list explicitly.
    await this.client.chat.update({ channel, ts, text: message.text, blocks: (message.blocks ?? []) as never });
  }

  async postEphemeral(channel: string, userId: string, message: ChatMessage): Promise<void> {
    await this.client.chat.postEphemeral({
      channel,
      user: userId,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
    });
  }
}
