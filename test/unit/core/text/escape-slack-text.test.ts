import fc from 'fast-check';
import { renderCodeBlock } from '../../../../src/presentation/code-block';
import { escapeKeepingUserMentions, escapeSlackText, ZWSP } from '../../../../src/core/text/escape-slack-text';
import { inlineCode } from '../../../../src/core/text/inline-code';
import { slackToPlainText } from '../../../../src/presentation/plain-text';

describe('escapeSlackText', () => {
  it("escapes Slack's three characters", () => {
    expect(escapeSlackText('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
  });

  it.each([
    ['<!channel>', `&lt;!${ZWSP}channel&gt;`],
    ['<!here|here>', `&lt;!${ZWSP}here|here&gt;`],
    ['<!everyone>', `&lt;!${ZWSP}everyone&gt;`],
    ['<!subteam^S123>', '&lt;!subteam^S123&gt;'],
    ['<@U123ABC>', '&lt;@U123ABC&gt;'],
    ['<#C123|ops>', '&lt;#C123|ops&gt;'],
    ['<https://evil.example|click me>', '&lt;https://evil.example|click me&gt;'],
    ['&lt;!channel&gt;', `&amp;lt;!${ZWSP}channel&amp;gt;`],
    ['&#60;!here&#62;', `&amp;#60;!${ZWSP}here&amp;#62;`],
    ['ping @here and @Channel, @EVERYONE', `ping @${ZWSP}here and @${ZWSP}Channel, @${ZWSP}EVERYONE`],
  ])('neutralises mentions: %j', (input, output) => {
    expect(escapeSlackText(input)).toBe(output);
  });

  it('breaks code fences but keeps single and double backticks', () => {
    expect(escapeSlackText('a ``` b')).toBe(`a \`${ZWSP}\`${ZWSP}\` b`);
    expect(escapeSlackText('````')).not.toContain('```');
    expect(escapeSlackText('`x` ``y``')).toBe('`x` ``y``');
  });

  it('drops control characters and bidi overrides, keeps tabs and newlines, repairs lone surrogates', () => {
    expect(escapeSlackText('a\u0000b\u0007c\r\n\td\u001b[0m\u202eevil\u2066')).toBe('abc\n\td[0mevil');
    expect(escapeSlackText('x\ud800y')).toBe('x\ufffdy');
    expect(escapeSlackText('😀')).toBe('😀');
  });

  it('property: no control sequence, broadcast word or fence survives; slackToPlainText gives the text back', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc
        .array(fc.constantFrom('<', '>', '&', '!', '@', 'channel', 'here', 'everyone', '`', 'lt;', 'amp;', 'U123', '|', ' ', '\n', 'x'), {
          maxLength: 20,
        })
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (s) => {
        const e = escapeSlackText(s);
        expect(e).not.toMatch(/[<>]/);
        expect(e).not.toMatch(/[!@](?:channel|here|everyone)/i);
        expect(e).not.toContain('```');
        expect(e).not.toMatch(/&(?!amp;|lt;|gt;)/);
        // eslint-disable-next-line no-control-regex
        const printable = s.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B]/g, '');
        if (!/[\uD800-\uDFFF]/.test(printable)) expect(slackToPlainText(e)).toBe(printable);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('inlineCode', () => {
  it('wraps, escapes, and cannot be closed from inside', () => {
    expect(inlineCode('edge-3')).toBe('`edge-3`');
    expect(inlineCode('*bold* _it_')).toBe('`*bold* _it_`');
    expect(inlineCode('a`b')).toBe('`aˋb`');
    expect(inlineCode('<!here>')).toBe(`\`&lt;!${ZWSP}here&gt;\``);
    expect(inlineCode('a\n\nb')).toBe('`a b`');
    expect(inlineCode('   ')).toBe('(empty)');
  });

  it('cuts long text at a character count, never in a surrogate pair', () => {
    expect(inlineCode('x'.repeat(100))).toBe(`\`${'x'.repeat(40)}…\``);
    expect(inlineCode('😀'.repeat(50), 3)).toBe('`😀😀😀…`');
  });
});

describe('renderCodeBlock', () => {
  it('fences short output, stripped of ANSI, escaped', () => {
    expect(renderCodeBlock('\u001b[32mSRS started(pid 42)\u001b[0m\n', 1000)).toBe('```\nSRS started(pid 42)\n```');
    expect(renderCodeBlock('<!channel> ``` done', 1000)).toBe(`\`\`\`\n&lt;!${ZWSP}channel&gt; \`${ZWSP}\`${ZWSP}\` done\n\`\`\``);
    expect(renderCodeBlock('', 1000)).toBe('');
    expect(renderCodeBlock(' \n\t \n', 1000)).toBe('');
  });

  it('keeps the END of long output, marks the cut, starts on a whole line, fits the cap', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}: starting SRS...`);
    const block = renderCodeBlock(lines.join('\n'), 500);
    expect(block.length).toBeLessThanOrEqual(500);
    expect(block).toMatch(/^```\n\[\.\.\. \d+ chars cut\]\nline \d+: starting SRS\.\.\.\n/);
    expect(block.endsWith('line 499: starting SRS...\n```')).toBe(true);
  });

  it('counts escaping against the cap (`&` grows fivefold)', () => {
    const block = renderCodeBlock('&'.repeat(5000), 300);
    expect(block.length).toBeLessThanOrEqual(300);
    expect(block).toMatch(/^```\n\[\.\.\. \d+ chars cut\]\n(&amp;)+\n```$/);
  });

  it('too small a cap gives nothing rather than a broken block', () => {
    expect(renderCodeBlock('x'.repeat(100), 20)).toBe('');
  });

  it('property: at most maxChars, exactly one pair of fences, no control sequences', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), fc.integer({ min: 0, max: 2000 }), (output, max) => {
        const block = renderCodeBlock(output, max);
        expect(block.length).toBeLessThanOrEqual(max);
        if (block === '') return;
        expect(block.startsWith('```\n') && block.endsWith('\n```')).toBe(true);
        expect(block.split('```').length).toBe(3);
        // eslint-disable-next-line no-control-regex
        expect(block).not.toMatch(/[<>\u0000-\u0008\u000B-\u001F]/);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('slackToPlainText', () => {
  it('turns mrkdwn control sequences into readable text', () => {
    expect(slackToPlainText('<@U1> in <#C1> and <#C2|ops>: <!here> see <https://x.example|docs> or <https://y.example>')).toBe(
      '@U1 in #C1 and #ops: @here see docs (https://x.example) or https://y.example',
    );
    expect(slackToPlainText(`Usage: /srs &lt;verb&gt; a &amp;lt; b @${ZWSP}here`)).toBe('Usage: /srs <verb> a &lt; b @here');
  });
});

describe('escapeKeepingUserMentions', () => {
  it('keeps the user mentions the bot wrote, and nothing else', () => {
    expect(escapeKeepingUserMentions('aborted by <@U0OPER001> (now)')).toBe('aborted by <@U0OPER001> (now)');
    expect(escapeKeepingUserMentions('<!channel> <#C123> <http://x|y> <@here> <@u1>')).toBe(
      `&lt;!${ZWSP}channel&gt; &lt;#C123&gt; &lt;http://x|y&gt; &lt;@${ZWSP}here&gt; &lt;@u1&gt;`,
    );
  });
});
