import { displayWidth } from '../../../../src/adapters/console/display-width';
import { EditInPlace, type Delta } from '../../../../src/adapters/console/edit-in-place';

/**
 * A small terminal: autowrap, scrolling, and the sequences the console writes (cursor up/down, `\r`, erase line, erase
 * down, SGR ignored). What it shows is what a user would see.
 */
class VirtualTerminal {
  readonly isTTY = true;
  raw = '';
  private cells: string[][] = [[]];
  private row = 0;
  private col = 0;
  private pendingWrap = false;

  constructor(
    public columns: number,
    public rows: number,
  ) {}

  private get top(): number {
    return Math.max(0, this.cells.length - this.rows);
  }

  write(text: string): void {
    this.raw += text;
    for (let i = 0; i < text.length;) {
      // eslint-disable-next-line no-control-regex
      const csi = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(text.slice(i));
      if (csi) {
        this.csi(Number(csi[1] === '' ? 1 : csi[1]), csi[2] ?? '', csi[1] ?? '');
        i += csi[0].length;
        continue;
      }
      const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
      i += ch.length;
      if (ch === '\n') this.newline();
      else if (ch === '\r') {
        this.col = 0;
        this.pendingWrap = false;
      } else this.put(ch);
    }
  }

  private csi(n: number, final: string, params: string): void {
    this.pendingWrap = false;
    if (final === 'A') this.row = Math.max(this.top, this.row - n);
    else if (final === 'B') this.row = Math.min(this.top + this.rows - 1, this.cells.length - 1, this.row + n);
    else if (final === 'K' && params === '2') this.cells[this.row] = [];
    else if (final === 'J') {
      this.cells[this.row] = (this.cells[this.row] ?? []).slice(0, this.col);
      this.cells.length = this.row + 1;
    }
  }

  /** A newline, as the tty driver turns it into (`onlcr`: CR LF). */
  private newline(): void {
    this.pendingWrap = false;
    this.col = 0;
    this.row += 1;
    if (this.row >= this.cells.length) this.cells.push([]);
  }

  private put(ch: string): void {
    const w = displayWidth(ch);
    if (w === 0) return;
    if (this.pendingWrap || this.col + w > this.columns) {
      this.newline();
    }
    const line = this.cells[this.row] ?? [];
    while (line.length < this.col) line.push(' ');
    line[this.col] = ch;
    if (w === 2) line[this.col + 1] = '';
    this.cells[this.row] = line;
    this.col += w;
    this.pendingWrap = this.col >= this.columns;
  }

  /** The rows on screen and in the scrollback, as text (the cursor's row last). */
  screen(): string[] {
    return this.cells.map((l) => l.join('').trimEnd()).slice(0, this.row + 1);
  }
}

const delta: Delta = (from, to) => to.filter((l) => !from.includes(l)).map((l) => `~ ${l}`);
const lines = (n: number, f: (i: number) => string = (i) => `line ${i}`): string[] => Array.from({ length: n }, (_, i) => f(i));

describe('EditInPlace on a terminal', () => {
  it('rewrites only the changed line of a 20-line block at the bottom: one line written, the screen as if reprinted', () => {
    const tty = new VirtualTerminal(80, 40);
    const screen = new EditInPlace(tty);
    screen.print(['before'], 'other');
    const block = lines(20);
    screen.print(block, 'm');
    tty.raw = '';
    const edited = block.map((l, i) => (i === 7 ? 'line 7: now done' : l));
    screen.edit('m', block, edited, delta);
    expect(tty.raw).toBe('\x1b[13A\r\x1b[2Kline 7: now done\r\x1b[13B');
    expect(tty.screen()).toEqual(['before', ...edited, '']);
  });

  it('redraws from the first changed line down when lines come or go, counting wrapped rows', () => {
    const tty = new VirtualTerminal(10, 24);
    const screen = new EditInPlace(tty);
    const block = ['head', 'x'.repeat(25), 'tail'];
    screen.print(block, 'm');
    tty.raw = '';
    const next = ['head', 'y'.repeat(12), 'new tail', 'more'];
    screen.edit('m', block, next, delta);
    // 'x'*25 takes 3 rows and 'tail' one: 4 rows up, erase down, the rest written.
    expect(tty.raw).toBe(`\x1b[4A\r\x1b[J${'y'.repeat(12)}\nnew tail\nmore\n`);
    expect(tty.screen()).toEqual(['head', 'yyyyyyyyyy', 'yy', 'new tail', 'more', '']);
    screen.edit('m', next, ['head'], delta);
    expect(tty.screen()).toEqual(['head', '']);
  });

  it('counts emoji as two columns', () => {
    const tty = new VirtualTerminal(10, 24);
    const screen = new EditInPlace(tty);
    screen.print(['✅✅✅✅✅✅', 'b'], 'm');
    screen.edit('m', ['✅✅✅✅✅✅', 'b'], ['✅', 'c', 'd'], delta);
    expect(tty.screen()).toEqual(['✅', 'c', 'd', '']);
  });

  it('shows only the changed lines once something else was printed below, and redraws that delta while it is last', () => {
    const tty = new VirtualTerminal(80, 24);
    const screen = new EditInPlace(tty);
    const v1 = ['queued', 'a', 'b'];
    screen.print(v1, 'm');
    screen.print(['a reply'], 'r');
    const v2 = ['running', 'a', 'b'];
    screen.edit('m', v1, v2, delta);
    expect(tty.screen()).toEqual(['queued', 'a', 'b', 'a reply', '~ running', '']);
    // The delta is last: the next edit redraws it, as the change since the message was last shown whole.
    tty.raw = '';
    screen.edit('m', v2, ['done', 'a', 'b', 'c'], delta);
    expect(tty.screen()).toEqual(['queued', 'a', 'b', 'a reply', '~ done', '~ c', '']);
    expect(tty.raw).not.toContain('a reply');
  });

  it('does not redraw after the user typed a line below, after a resize, or when the block scrolled out of reach', () => {
    const tty = new VirtualTerminal(80, 10);
    const screen = new EditInPlace(tty);
    screen.print(['one'], 'm');
    screen.moved();
    screen.edit('m', ['one'], ['two'], delta);
    expect(tty.raw).toBe('one\n~ two\n');
    tty.columns = 60;
    screen.edit('m', ['two'], ['three'], delta);
    expect(tty.raw).toBe('one\n~ two\n~ three\n');
    const tall = lines(12);
    screen.print(tall, 't');
    tty.raw = '';
    screen.edit(
      't',
      tall,
      tall.map((l, i) => (i === 0 ? 'first' : l)),
      delta,
    );
    expect(tty.raw).toBe('~ first\n');
  });

  it('writes nothing for an edit that changes nothing', () => {
    const tty = new VirtualTerminal(80, 24);
    const screen = new EditInPlace(tty);
    screen.print(['same'], 'm');
    tty.raw = '';
    screen.edit('m', ['same'], ['same'], delta);
    expect(tty.raw).toBe('');
  });
});

describe('EditInPlace on a pipe', () => {
  it('shows every edit as the lines that changed, never moving the cursor', () => {
    let out = '';
    const screen = new EditInPlace({ write: (t) => (out += t) });
    const block = lines(20);
    screen.print(block, 'm');
    out = '';
    screen.edit(
      'm',
      block,
      block.map((l, i) => (i === 3 ? 'line 3 changed' : l)),
      delta,
    );
    expect(out).toBe('~ line 3 changed\n');
    screen.edit('m', block, block, delta);
    expect(out).toBe('~ line 3 changed\n');
  });
});
