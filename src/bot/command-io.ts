/** What a chat command comes in as and goes out as: shared by handle-command and the handlers it calls. */
import type { ChatMessage } from '../core/command';

/** A command as the chat delivered it. */
export interface CommandInput {
  userId: string;
  channelId: string;
  /** The text after `/srs`, as typed. */
  text: string;
  /** The chat's id of this invocation (Slack's trigger_id): a redelivery with the same id runs once. */
  triggerId?: string;
}

/**
 * The answer to give at once (ephemeral, within Slack's 3 s), and work to do right after acknowledging (posting the
 * request's parent message). A request is accepted only once its jobs are in the queue.
 */
export interface CommandReply {
  ephemeral: ChatMessage;
  requestId?: string;
  followUp?: () => Promise<void>;
}
