import { rowsOf } from './display-width';

const CSI = '\x1b[';

/** Where blocks are written: a terminal (`isTTY`, its size) or a pipe. */
export interface ScreenOut {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/** What to show for an edit when it cannot be redrawn in place: the lines of `to` that differ from `from`, labelled. */
export type Delta = (from: readonly string[], to: readonly string[]) => string[];

/** The block at the bottom of the screen, just above the cursor. */
interface LastBlock {
  key: string;
  /** The lines on screen. */
  shown: string[];
  /** When `shown` is a delta: the message's lines it is a delta from. Undefined when `shown` is the whole message. */
  baseline?: readonly string[];
  /** The terminal's width when they were written (a resize reflows them: their rows are no longer known). */
  columns: number;
}

/**
 * Blocks of lines (messages) written one after the other, and their edits. On a terminal, an edit of the block still
 * at the bottom of the screen is redrawn in place with cursor moves, rewriting only the lines that changed (or, when
 * lines come or go, from the first changed line down). Any other edit is shown as a delta: only the lines that
 * changed, labelled; a later edit of the same message, while that delta is still last, redraws the delta in place. On a
 * pipe every edit is a delta. Expects the cursor at the start of the line below the last block (write only through it,
 * and call {@link moved} when something else is written).
 */
export class EditInPlace {
  private last: LastBlock | undefined;

  constructor(private readonly out: ScreenOut) {}

  private get columns(): number {
    return this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 80;
  }

  /** Writes a block; with a `key`, a later {@link edit} of that key may redraw it in place. */
  print(lines: readonly string[], key?: string): void {
    if (lines.length === 0) return;
    this.out.write(lines.map((l) => `${l}\n`).join(''));
    this.last = key === undefined ? undefined : { key, shown: [...lines], columns: this.columns };
  }

  /** Shows that the block `key` went from `before` to `after`. */
  edit(key: string, before: readonly string[], after: readonly string[], delta: Delta): void {
    const last = this.last;
    if (this.out.isTTY === true && last?.key === key) {
      const next = last.baseline === undefined ? [...after] : delta(last.baseline, after);
      if (this.redraw(last, next)) {
        last.shown = next;
        return;
      }
    }
    const shown = delta(before, after);
    if (shown.length === 0) return;
    this.out.write(shown.map((l) => `${l}\n`).join(''));
    this.last = { key, shown, baseline: [...before], columns: this.columns };
  }

  /** Something else was written below the last block (the line the user typed): no block is last any more. */
  moved(): void {
    this.last = undefined;
  }

  /** Rewrites the last block's lines as `next`; false when its changed part is out of reach (scrolled off, resized). */
  private redraw(last: LastBlock, next: readonly string[]): boolean {
    const columns = this.columns;
    if (columns !== last.columns) return false;
    const prev = last.shown;
    let first = 0;
    while (first < prev.length && first < next.length && prev[first] === next[first]) first++;
    if (first === prev.length && first === next.length) return true;
    const rows = prev.map((l) => rowsOf(l, columns));
    const below = (i: number): number => rows.slice(i).reduce((a, b) => a + b, 0);
    if (below(first) > Math.max(1, (this.out.rows ?? 24) - 1)) return false;
    const sameShape =
      prev.length === next.length && prev.every((l, i) => l === next[i] || (rows[i] === 1 && rowsOf(next[i] ?? '', columns) === 1));
    let seq = '';
    if (sameShape) {
      // Only the changed lines: up to each, clear it, write it, back down.
      for (let i = first; i < prev.length; i++) {
        if (prev[i] === next[i]) continue;
        const up = below(i);
        seq += `${CSI}${up}A\r${CSI}2K${next[i] ?? ''}\r${CSI}${up}B`;
      }
    } else {
      const up = below(first);
      seq = `${up > 0 ? `${CSI}${up}A` : ''}\r${CSI}J${next
        .slice(first)
        .map((l) => `${l}\n`)
        .join('')}`;
    }
    this.out.write(seq);
    return true;
  }
}
