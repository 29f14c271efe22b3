import type { ChatMessage } from '../command';
import { anchorLine, type AuditAnchor } from './anchor-line';

/**
 * The audit channel's message for an anchor: one line for people, then the anchor line as code, which
 * `audit verify --anchors-from` finds in a saved copy or an export of the channel.
 */
export function anchorMessage(a: AuditAnchor): ChatMessage {
  return {
    text: `:lock: Audit anchor: the log's head is seq ${a.seq}. Records up to it can no longer be rewritten unnoticed: \`srs-chatops audit verify --anchors-from <a copy of this channel>\`.\n\`${anchorLine(a)}\``,
  };
}
