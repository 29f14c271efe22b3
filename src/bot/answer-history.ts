import type { Command } from '../core/command';
import type { BotDeps } from './bot-deps';
import type { CommandReply } from './handle-command';

/** `/srs history ...`: the audit log's answer for a target, newest first (ephemeral). */
export function answerHistory(_deps: BotDeps, _command: Extract<Command, { kind: 'history' }>): Promise<CommandReply> {
  return Promise.resolve({ ephemeral: { text: 'history: the audit log is not wired into this bot yet.' } });
}
