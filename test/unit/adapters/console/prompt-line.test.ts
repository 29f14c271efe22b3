import type { Interface } from 'node:readline';
import { PromptLine } from '../../../../src/adapters/console/prompt-line';

/** A readline stand-in: where the cursor is within the prompt's rows, and the redraws asked for. */
function fakeReadline(rows: number): { rl: Interface; redraws: Array<boolean | undefined> } {
  const redraws: Array<boolean | undefined> = [];
  const rl = { getCursorPos: () => ({ rows, cols: 3 }), prompt: (preserve?: boolean) => void redraws.push(preserve) };
  return { rl: rl as unknown as Interface, redraws };
}

describe('PromptLine', () => {
  it('writes output above the prompt: clears the prompt, writes, and has readline redraw it with the half-typed line', () => {
    let out = '';
    const { rl, redraws } = fakeReadline(0);
    const line = new PromptLine({ write: (t) => (out += t), isTTY: true, columns: 80 }, rl);
    line.write('before the prompt\n');
    expect(out).toBe('before the prompt\n');
    line.prompt();
    expect(redraws).toEqual([undefined]);
    line.write('[#1] done\n');
    expect(out).toBe('before the prompt\n\r\x1b[J[#1] done\n');
    expect(redraws).toEqual([undefined, true]);
    line.submitted();
    line.write('after the line\n');
    expect(out.endsWith('[#1] done\nafter the line\n')).toBe(true);
    expect(line.isTTY).toBe(true);
    expect(line.columns).toBe(80);
  });

  it('goes up to the first row of a wrapped input, and leaves readline as many rows to go back up', () => {
    let out = '';
    const { rl } = fakeReadline(2);
    const line = new PromptLine({ write: (t) => (out += t) }, rl);
    line.prompt();
    line.write('x\n');
    expect(out).toBe('\x1b[2A\r\x1b[Jx\n\n\n');
  });

  it('moves below the prompt when the session ends at it', () => {
    let out = '';
    const { rl } = fakeReadline(0);
    const line = new PromptLine({ write: (t) => (out += t) }, rl);
    line.leave();
    expect(out).toBe('');
    line.prompt();
    line.leave();
    expect(out).toBe('\n');
  });
});
