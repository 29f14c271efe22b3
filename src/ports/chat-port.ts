import type { ChatMessage } from '../core/command';

/** Where a posted message lives. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/** The chat the bot talks in (Slack, or a console). Methods reject when the chat cannot be reached. */
export interface ChatPort {
  /** Posts a message in a channel, or in a thread when `threadTs` is given. */
  post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage>;
  /** Replaces a message's content in place. */
  update(channel: string, ts: string, message: ChatMessage): Promise<void>;
  /** A message only `userId` sees. */
  postEphemeral(channel: string, userId: string, message: ChatMessage): Promise<void>;
}
