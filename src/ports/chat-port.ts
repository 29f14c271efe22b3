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
  /**
   * Replaces a message's content in place. A chat that paces edits may hold one back to coalesce it; `now` asks for
   * this edit without that wait (a milestone: rare, and the message must not lag the reply that announces it).
   */
  update(channel: string, ts: string, message: ChatMessage, options?: { now?: boolean }): Promise<void>;
  /** A message only `userId` sees. */
  postEphemeral(channel: string, userId: string, message: ChatMessage): Promise<void>;
}
