import type { ChatMessage } from '../core/command';

/** Where a posted message lives. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/** How an edit goes out. */
export interface UpdateOptions {
  /** Without the pacing's per-message wait (a milestone). */
  now?: boolean;
  /**
   * Asked when a held-back edit is about to go out: true drops it (resolved, not sent), because newer, final content
   * took its place meanwhile, perhaps from another bot replica (a progress edit after the summary's). A chat that
   * sends at once need not ask.
   */
  stale?: () => Promise<boolean>;
}

/** The chat the bot talks in (Slack, or a console). Methods reject when the chat cannot be reached. */
export interface ChatPort {
  /** Posts a message in a channel, or in a thread when `threadTs` is given. */
  post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage>;
  /**
   * Replaces a message's content in place. A chat that paces edits may hold one back to coalesce it; `now` asks for
   * this edit without that wait (a milestone: rare, and the message must not lag the reply that announces it).
   */
  update(channel: string, ts: string, message: ChatMessage, options?: UpdateOptions): Promise<void>;
  /** A message only `userId` sees. */
  postEphemeral(channel: string, userId: string, message: ChatMessage): Promise<void>;
}
