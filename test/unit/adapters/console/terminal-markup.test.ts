import fs from 'node:fs';
import path from 'node:path';
import { EMOJI, emojify } from '../../../../src/adapters/console/emoji';
import { renderMarkup } from '../../../../src/adapters/console/terminal-markup';
import { displayWidth, expandTabs, rowsOf } from '../../../../src/adapters/console/display-width';
import { escapeSlackText, renderCodeBlock, renderRequestParent } from '../../../../src/presentation';

const ESC = '\x1b';

describe('renderMarkup, plain (a pipe)', () => {
  it('shows emoji as symbols and leaves unknown shortcodes as they are', () => {
    expect(renderMarkup(':white_check_mark: ok :warning: :no_such_emoji: 10:30:00', 'plain')).toBe('✅ ok ⚠ :no_such_emoji: 10:30:00');
  });

  it('strips *bold*, _italic_, ~strike~ and `code` marks, but not marks inside words or code', () => {
    expect(renderMarkup('asked for *restart* on `edge_1` _now_ ~never~', 'plain')).toBe('asked for restart on edge_1 now never');
    expect(renderMarkup('a*b*c snake_case_name 2 * 3 * 4', 'plain')).toBe('a*b*c snake_case_name 2 * 3 * 4');
    expect(renderMarkup('`*not bold*` and `:x:`', 'plain')).toBe('*not bold* and :x:');
    expect(renderMarkup('*Rollout `r-1`*: running', 'ansi')).toBe('\x1b[1mRollout \x1b[36mr-1\x1b[39m\x1b[22m: running');
    expect(renderMarkup('*see <https://x.test|this>* \u{F0001}', 'plain')).toBe('see this (https://x.test) ');
  });

  it('decodes links, mentions, channels, broadcasts and entities', () => {
    expect(renderMarkup('<@U0ADMIN01> in <#C1|ops> <!here> see <https://x.test/a_b_c|the *docs*> or <https://y.test>', 'plain')).toBe(
      '@U0ADMIN01 in #ops @here see the docs (https://x.test/a_b_c) or https://y.test',
    );
    expect(renderMarkup('&lt;queued&gt; &amp;lt; &amp; <!date^1700000000^{date}|Nov 14>', 'plain')).toBe('<queued> &lt; & Nov 14');
  });

  it('shows a code block on lines of its own, indented, with its content untouched', () => {
    const text = `:x: *edge-1* failed:${renderCodeBlock('line *one*\n<two> & ```three```\n\tTabbed', 500)}`;
    expect(renderMarkup(text, 'plain').split('\n')).toEqual([
      '❌ edge-1 failed:',
      '  line *one*',
      '  <two> & ```three```',
      '        Tabbed',
    ]);
    expect(renderMarkup('before ```inline``` after', 'plain')).toBe('before \n  inline\n after');
  });

  it('shows escaped text as it was before escaping, and never a control character', () => {
    const hostile = 'a <!channel> @here `x` ```fence``` \x1b[2J\x9b31m & <@U1>';
    expect(renderMarkup(escapeSlackText(hostile), 'plain')).toBe('a <!channel> @here x ```fence``` [2J31m & <@U1>');
    // eslint-disable-next-line no-control-regex
    expect(renderMarkup('\x1b[31mred\x07 \x9b2J', 'ansi')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it('renders a request message as one readable line', () => {
    const m = renderRequestParent({
      requestId: 'r-1',
      userId: 'U0ADMIN01',
      verb: 'status',
      hosts: ['edge-1', 'edge-2'],
      state: 'done',
      summary: '2 ok',
    });
    const shown = renderMarkup(m.text, 'plain');
    expect(shown).toMatch(/^✅ .*@U0ADMIN01.*status.*edge-1, edge-2.*2 ok/);
    expect(shown).not.toMatch(/[*`<>]|:[a-z_]+:/);
  });
});

describe('renderMarkup, ansi (a terminal)', () => {
  it('styles bold, italic, strike, code and links with SGR sequences that end where the mark ends', () => {
    expect(renderMarkup('*b* _i_ ~s~ `c`', 'ansi')).toBe(
      `${ESC}[1mb${ESC}[22m ${ESC}[3mi${ESC}[23m ${ESC}[9ms${ESC}[29m ${ESC}[36mc${ESC}[39m`,
    );
    expect(renderMarkup('<https://x.test|docs>', 'ansi')).toBe(`${ESC}[4mdocs${ESC}[24m ${ESC}[2m(https://x.test)${ESC}[22m`);
  });

  it('draws a code block with a gutter, its content unstyled', () => {
    expect(renderMarkup('out:\n```\n*a*\nb\n```', 'ansi')).toBe(`out:\n${ESC}[2m│${ESC}[22m *a*\n${ESC}[2m│${ESC}[22m b`);
  });
});

describe('the emoji table', () => {
  it('has every shortcode the bot writes (src/)', () => {
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const used = new Set<string>();
    for (const file of files(path.join(__dirname, '../../../../src'))) {
      // A shortcode in a message: after a quote, a backtick or a space, and followed by a space or the end of the string.
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?<=['`"\s]):([a-z_]+):(?=[\s'`"])/g)) used.add(m[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((code) => EMOJI[code] === undefined)).toEqual([]);
    expect(emojify([...used].map((c) => `:${c}:`).join(''))).not.toContain(':');
  });

  it('measures symbols as terminals do: emoji two columns, escapes none', () => {
    expect(displayWidth('✅ ok')).toBe(5);
    expect(displayWidth('⚠ x')).toBe(3);
    expect(displayWidth(`${ESC}[1mbold${ESC}[22m`)).toBe(4);
    expect(displayWidth('a\u200Bb')).toBe(2);
    expect(rowsOf('x'.repeat(80), 80)).toBe(1);
    expect(rowsOf('x'.repeat(81), 80)).toBe(2);
    expect(rowsOf('', 80)).toBe(1);
    expect(expandTabs('ab\tc')).toBe('ab      c');
  });
});
