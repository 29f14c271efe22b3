/** What a button press comes in as and goes out as: shared by the button pipeline and its handlers. */
import type { ChatMessage } from '../core/command';

/** A button press as the chat delivered it (signature already verified by the adapter). */
export interface ActionInput {
  actionId: string;
  value?: string;
  userId: string;
  channelId: string;
  /** The message carrying the buttons. */
  messageTs?: string;
  /** What the message's reason box held when the button was pressed (approval cards: Deny needs one). */
  reason?: string;
}

/** What to tell the presser (ephemeral), if anything. */
export interface ActionReply {
  ephemeral?: ChatMessage;
}
