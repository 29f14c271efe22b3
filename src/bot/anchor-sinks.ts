import { anchorMessage } from '../core/audit/anchor-message';
import type { AnchorSink } from '../ports/anchor-port';
import type { ChatPort } from '../ports/chat-port';

/** Anchors posted to the audit channel (needs only chat:write, and the bot in the channel). */
export function chatAnchorSink(chat: ChatPort, channel: string): AnchorSink {
  return {
    kind: 'chat',
    name: `chat ${channel}`,
    publish: async (anchor) => {
      await chat.post(channel, anchorMessage(anchor));
    },
  };
}
