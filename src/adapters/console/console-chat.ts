import type { ChatMessage } from '../../core/command';
import type { ChatPort, PostedMessage } from '../../ports/chat-port';
import { slackToPlainText } from '../../core/render';

/** Where console output goes (stdout, or a test's buffer). */
export interface ConsoleOut {
  write(text: string): void;
}

/**
 * The chat as a terminal, like Hubot's shell adapter: channel messages flush left, thread replies indented under
 * their parent's number, edits shown as `(edited)`, ephemerals marked `(only you)`.
 */
export class ConsoleChat implements ChatPort {
  private seq = 0;
  private readonly numbers = new Map<string, number>();

  constructor(private readonly out: ConsoleOut) {}

  post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage> {
    this.seq += 1;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
    this.numbers.set(ts, this.seq);
    if (threadTs === undefined) this.print(`[#${this.seq}] `, message.text);
    else this.print(`    ↳ (thread #${this.numbers.get(threadTs) ?? '?'}) `, message.text, '      ');
    return Promise.resolve({ channel, ts });
  }

  update(_channel: string, ts: string, message: ChatMessage): Promise<void> {
    this.print(`[#${this.numbers.get(ts) ?? '?'} edited] `, message.text);
    return Promise.resolve();
  }

  postEphemeral(_channel: string, _userId: string, message: ChatMessage): Promise<void> {
    this.print('(only you) ', message.text);
    return Promise.resolve();
  }

  private print(prefix: string, text: string, indent = '    '): void {
    const lines = slackToPlainText(text).split('\n');
    this.out.write(`${prefix}${lines[0] ?? ''}\n${lines.slice(1).map((l) => `${indent}${l}\n`).join('')}`);
  }
}
