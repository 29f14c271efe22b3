import type { ChatMessage } from '../../core/command';
import type { ChatPort, PostedMessage } from '../../ports/chat-port';
import { slackToPlainText } from '../../core/render';

/** Where console output goes (stdout, or a test's buffer). */
export interface ConsoleOut {
  write(text: string): void;
}

/** A button shown in the console, pressed by typing `press <code>`. */
export interface ConsoleButton {
  actionId: string;
  value?: string;
  channelId: string;
  messageTs: string;
}

/** The buttons of Block Kit `actions` blocks in a message. */
function buttonsOf(message: ChatMessage): Array<{ text: string; actionId: string; value?: string }> {
  const out: Array<{ text: string; actionId: string; value?: string }> = [];
  for (const block of (message.blocks ?? []) as Array<{ type?: string; elements?: Array<{ type?: string; action_id?: string; value?: string; text?: { text?: string } }> }>) {
    if (block.type !== 'actions') continue;
    for (const el of block.elements ?? []) {
      if (el.type === 'button' && el.action_id !== undefined) out.push({ text: el.text?.text ?? el.action_id, actionId: el.action_id, ...(el.value !== undefined ? { value: el.value } : {}) });
    }
  }
  return out;
}

/**
 * The chat as a terminal, like Hubot's shell adapter: channel messages flush left, thread replies indented under
 * their parent's number, edits shown as `(edited)`, ephemerals marked `(only you)`, buttons as `[press b1] Label`.
 */
export class ConsoleChat implements ChatPort {
  private seq = 0;
  private readonly numbers = new Map<string, number>();
  private readonly buttons = new Map<string, ConsoleButton>();
  private buttonSeq = 0;

  constructor(private readonly out: ConsoleOut) {}

  post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage> {
    this.seq += 1;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
    this.numbers.set(ts, this.seq);
    if (threadTs === undefined) this.print(`[#${this.seq}] `, message.text);
    else this.print(`    ↳ (thread #${this.numbers.get(threadTs) ?? '?'}) `, message.text, '      ');
    this.showButtons(channel, ts, message, threadTs === undefined ? '    ' : '      ');
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

  /** The button a `press <code>` names, if any. */
  button(code: string): ConsoleButton | undefined {
    return this.buttons.get(code);
  }

  private showButtons(channelId: string, messageTs: string, message: ChatMessage, indent: string): void {
    const shown = buttonsOf(message).map((b) => {
      this.buttonSeq += 1;
      const code = `b${this.buttonSeq}`;
      this.buttons.set(code, { actionId: b.actionId, ...(b.value !== undefined ? { value: b.value } : {}), channelId, messageTs });
      return `[press ${code}] ${b.text}`;
    });
    if (shown.length > 0) this.out.write(`${indent}${shown.join('   ')}\n`);
  }

  private print(prefix: string, text: string, indent = '    '): void {
    const lines = slackToPlainText(text).split('\n');
    this.out.write(`${prefix}${lines[0] ?? ''}\n${lines.slice(1).map((l) => `${indent}${l}\n`).join('')}`);
  }
}
