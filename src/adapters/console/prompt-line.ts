import type { Interface } from 'node:readline';
import type { ScreenOut } from './edit-in-place';

const CSI = '\x1b[';

/**
 * The terminal below the conversation: the `srs> ` prompt and what is being typed. Output that arrives while the
 * prompt is shown (a job's result, an edit) is written above it: the prompt is taken off the screen, the output
 * written, and the prompt with the half-typed line put back, so messages and edits never mix with the input.
 * Without a readline (a pipe), writes go straight through.
 */
export class PromptLine implements ScreenOut {
  private shown = false;

  constructor(
    private readonly out: ScreenOut,
    private readonly rl?: Interface,
  ) {}

  get isTTY(): boolean {
    return this.out.isTTY === true;
  }

  get columns(): number | undefined {
    return this.out.columns;
  }

  get rows(): number | undefined {
    return this.out.rows;
  }

  write(text: string): void {
    if (!this.shown || this.rl === undefined) {
      this.out.write(text);
      return;
    }
    // Up to the prompt's first row (a long input wraps), clear from there down, write, then the prompt again. readline
    // redraws it from as many rows below its start as the cursor was: give it those rows.
    const rows = this.rl.getCursorPos().rows;
    this.out.write(`${rows > 0 ? `${CSI}${rows}A` : ''}\r${CSI}J${text}${'\n'.repeat(rows)}`);
    this.rl.prompt(true);
  }

  /** Shows the prompt (with an empty line). */
  prompt(): void {
    if (this.rl === undefined) return;
    this.shown = true;
    this.rl.prompt();
  }

  /** The session ends at the prompt (Ctrl-D, Ctrl-C): the cursor goes to the next line, under the prompt. */
  leave(): void {
    if (!this.shown) return;
    this.shown = false;
    this.out.write('\n');
  }

  /** The user ended a line: it stays on screen as typed, and the prompt is gone until {@link prompt}. */
  submitted(): void {
    this.shown = false;
  }
}
