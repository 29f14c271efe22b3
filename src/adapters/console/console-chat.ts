import type { ChatMessage } from '../../core/command';
import type { ChatPort, PostedMessage } from '../../ports/chat-port';
import { diffLines } from './line-diff';
import { EditInPlace, type ScreenOut } from './edit-in-place';
import { renderMarkup, type MarkupStyle } from './terminal-markup';

/** Where console output goes: stdout (through the prompt), or a test's buffer. A terminal has `isTTY` and a size. */
export type ConsoleOut = ScreenOut;

/** A button shown in the console, pressed by typing `press <code>`. */
export interface ConsoleButton {
  actionId: string;
  value?: string;
  channelId: string;
  messageTs: string;
}

interface ShownButton {
  text: string;
  actionId: string;
  value?: string;
}

/** A message on screen: its label, and its content as rendered lines (the buttons line last, when it has buttons). */
interface Shown {
  /** A channel message's number (0 for a thread reply, or a message this console did not post). */
  number: number;
  /** The parent's number, for a thread reply. */
  thread?: number;
  lines: string[];
}

/** Messages whose content is kept for their edits (an edit of an older one is shown whole, as `[#?] …`). */
const MESSAGES_KEPT = 1000;

/** The buttons of Block Kit `actions` blocks in a message. */
function buttonsOf(message: ChatMessage): ShownButton[] {
  const out: ShownButton[] = [];
  for (const block of (message.blocks ?? []) as Array<{
    type?: string;
    elements?: Array<{ type?: string; action_id?: string; value?: string; text?: { text?: string } }>;
  }>) {
    if (block.type !== 'actions') continue;
    for (const el of block.elements ?? []) {
      if (el.type === 'button' && el.action_id !== undefined)
        out.push({ text: el.text?.text ?? el.action_id, actionId: el.action_id, ...(el.value !== undefined ? { value: el.value } : {}) });
    }
  }
  return out;
}

/**
 * The chat as a terminal, like Hubot's shell adapter: channel messages flush left as `[#1] …`, thread replies indented
 * under their parent's number, ephemerals marked `(only you)`, buttons as `[press b1] Label`. Slack markup is rendered
 * for the terminal (ANSI on a terminal, plain on a pipe). An edit is redrawn in place when the message is still the
 * last thing on a terminal, and otherwise shows only the lines that changed (`[#1 edited] …`).
 */
export class ConsoleChat implements ChatPort {
  private seq = 0;
  private channelSeq = 0;
  private readonly messages = new Map<string, Shown>();
  private readonly buttons = new Map<string, ConsoleButton>();
  /** Button codes by message and button, so that an edit keeps the codes of buttons it keeps. */
  private readonly codes = new Map<string, string>();
  private buttonSeq = 0;
  private readonly screen: EditInPlace;
  private readonly style: MarkupStyle;

  constructor(out: ConsoleOut, options: { style?: MarkupStyle } = {}) {
    this.screen = new EditInPlace(out);
    this.style = options.style ?? (out.isTTY === true ? 'ansi' : 'plain');
  }

  post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage> {
    this.seq += 1;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
    // Channel messages are numbered 1, 2, ...; a reply is known by its thread's number.
    if (threadTs === undefined) this.channelSeq += 1;
    const parent = threadTs === undefined ? undefined : (this.messages.get(threadTs)?.number ?? 0);
    const shown: Shown = {
      number: parent === undefined ? this.channelSeq : 0,
      ...(parent !== undefined ? { thread: parent } : {}),
      lines: this.content(channel, ts, message),
    };
    this.remember(ts, shown);
    this.screen.print(this.block(shown), ts);
    return Promise.resolve({ channel, ts });
  }

  update(channel: string, ts: string, message: ChatMessage): Promise<void> {
    const shown = this.messages.get(ts) ?? { number: 0, lines: [] };
    const before = shown.lines;
    shown.lines = this.content(channel, ts, message);
    this.remember(ts, shown);
    this.screen.edit(ts, this.block({ ...shown, lines: before }), this.block(shown), (from, to) => this.delta(shown, from, to));
    return Promise.resolve();
  }

  postEphemeral(_channel: string, _userId: string, message: ChatMessage): Promise<void> {
    this.screen.print(this.labelled('(only you) ', '    ', this.render(message.text)));
    return Promise.resolve();
  }

  /** A note from the console itself (not the bot): the banner, a press of an unknown button. Slack markup allowed. */
  say(text: string): void {
    this.screen.print(this.render(text));
  }

  /** The user's line was echoed below the last message (it is no longer the last thing on screen). */
  moved(): void {
    this.screen.moved();
  }

  /** The button a `press <code>` names, if any. */
  button(code: string): ConsoleButton | undefined {
    return this.buttons.get(code);
  }

  /** Keeps what a message shows, for its edits: the latest {@link MESSAGES_KEPT} messages. */
  private remember(ts: string, shown: Shown): void {
    this.messages.delete(ts);
    this.messages.set(ts, shown);
    const oldest = this.messages.keys().next();
    if (this.messages.size > MESSAGES_KEPT && oldest.done !== true) this.messages.delete(oldest.value);
  }

  private render(text: string): string[] {
    return renderMarkup(text, this.style).split('\n');
  }

  /** The message's text as lines, then its buttons on one line, each with its press code. */
  private content(channelId: string, messageTs: string, message: ChatMessage): string[] {
    const shown = buttonsOf(message).map((b) => {
      const key = `${messageTs}\n${b.actionId}\n${b.value ?? ''}`;
      let code = this.codes.get(key);
      if (code === undefined) {
        this.buttonSeq += 1;
        code = `b${this.buttonSeq}`;
        this.codes.set(key, code);
        this.buttons.set(code, { actionId: b.actionId, ...(b.value !== undefined ? { value: b.value } : {}), channelId, messageTs });
      }
      return `[press ${code}] ${renderMarkup(b.text, this.style)}`;
    });
    return [...this.render(message.text), ...(shown.length > 0 ? [shown.join('   ')] : [])];
  }

  /** The label of a message's first line, and the indent of the others. */
  private prefixes(m: Shown, edited = false): [string, string] {
    const own = m.number > 0 ? `#${m.number}` : '#?';
    if (m.thread === undefined) return [`[${own}${edited ? ' edited' : ''}] `, '    '];
    return [`    ↳ (thread ${m.thread > 0 ? `#${m.thread}` : '#?'}${edited ? ', edited' : ''}) `, '      '];
  }

  /** The whole message as shown when posted: `[#1] first line`, the rest indented; thread replies further in. */
  private block(m: Shown): string[] {
    const [first, indent] = this.prefixes(m);
    return this.labelled(first, indent, m.lines);
  }

  /**
   * An edit shown as the lines that changed: `[#1 edited] line`, further changed lines indented, and how many lines
   * went. A thread reply repeats its first line when that did not change, to say which reply it is.
   */
  private delta(m: Shown, fromBlock: readonly string[], toBlock: readonly string[]): string[] {
    const [first, indent] = this.prefixes(m);
    const content = (block: readonly string[]): string[] => block.map((l, i) => l.slice((i === 0 ? first : indent).length));
    const to = content(toBlock);
    const { changed, removed } = diffLines(content(fromBlock), to);
    if (changed.length === 0 && removed === 0) return [];
    const indexes = m.thread !== undefined && !changed.includes(0) && to.length > 1 ? [0, ...changed] : changed;
    const lines = indexes.map((i) => to[i] ?? '');
    const gone = removed - changed.length;
    if (gone > 0) lines.push(`(${gone} line${gone === 1 ? '' : 's'} removed)`);
    const [label] = this.prefixes(m, true);
    return this.labelled(label, indent, lines);
  }

  private labelled(first: string, indent: string, lines: readonly string[]): string[] {
    return lines.map((l, i) => `${i === 0 ? first : indent}${l}`);
  }
}
