import { stripAnsi, trimOutput } from '../../../src/core/strip-ansi';

describe('stripAnsi', () => {
  it("removes the init.d script's colours and cursor moves", () => {
    expect(stripAnsi('Starting SRS\x1b[60G\x1b[0m[\x1b[32m  OK  \x1b[0m]\n')).toBe('Starting SRS[  OK  ]\n');
    expect(stripAnsi('\x1b[33m[WARN] slow\x1b[0m')).toBe('[WARN] slow');
    expect(stripAnsi('a\x1b[?25lb\x1b[Kc\x1b[1;31;42md')).toBe('abcd');
  });

  it('removes other control characters but keeps newlines and tabs', () => {
    expect(stripAnsi('one\r\ntwo\tthree\x07\x7f\x00 lone\x1b')).toBe('one\ntwo\tthree lone');
  });
});

describe('trimOutput', () => {
  it('keeps the end of a long output and says how much was cut', () => {
    expect(trimOutput('  \x1b[31mshort\x1b[0m \n', 10)).toBe('short');
    expect(trimOutput('0123456789abcdef', 6)).toBe('[... 10 chars cut]\nabcdef');
  });
});
