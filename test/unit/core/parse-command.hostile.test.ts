import { parseCommand } from '../../../src/core/parse-command';

/** What a usage error must never contain, whatever was typed. */
function expectSafeError(text: string): string {
  const r = parseCommand(text);
  expect(r.ok).toBe(false);
  const error = r.ok ? '' : r.error;
  expect(error.length).toBeLessThan(400);
  expect(error).not.toMatch(/[<>]/); // no Slack control sequence: <!channel>, <@U1>, <http://x|y>
  expect(error).not.toMatch(/[!@](?:channel|here|everyone)/i);
  expect(error).not.toContain('```');
  expect(error).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]/u);
  // Echoed text sits in `...` spans that the echo cannot close: an even number of backticks.
  expect((error.match(/`/g) ?? []).length % 2).toBe(0);
  return error;
}

describe('parseCommand: hostile text', () => {
  it.each([
    'restart edge-1; rm -rf /',
    'restart edge-1;rm',
    'restart $(reboot)',
    'restart `reboot`',
    'restart ``` code ```',
    'status "edge-1"',
    "status 'edge-1'",
    'status edge-1|sh',
    'status edge-1&&reboot',
    'status >/etc/passwd',
    'status <!channel>',
    'status <!here|here>',
    '<!everyone> hi',
    'status <@U123ABC>',
    'status &lt;!channel&gt;',
    'status @channel',
    'status <http://evil.example|click me>',
    '*bold* _it_ ~s~',
  ])('%j is a usage error that echoes nothing dangerous', (text) => {
    expectSafeError(text);
  });

  it.each([
    ['newline', 'status edge-1\nrestart all'],
    ['carriage return', 'status edge-1\r'],
    ['tab', 'status\tedge-1'],
    ['NUL', 'status edge-1\u0000'],
    ['escape', 'status \u001b[31medge-1'],
    ['DEL', 'status edge\u007f-1'],
    ['C1 control', 'status \u0085edge-1'],
    ['line separator', 'status edge-1\u2028restart all'],
    ['zero-width space', 'restart edge\u200b-1'],
    ['bidi override', 'status \u202eedge-1'],
    ['BOM', '\ufeffstatus edge-1'],
  ])('control characters are refused (%s), without echo', (_, text) => {
    const error = expectSafeError(text);
    expect(error).toMatch(/^the command contains a line break or a control character/);
    expect(error).not.toContain('edge');
  });

  it.each([
    ['fullwidth letters', 'ｒｅｓｔａｒｔ edge-1'],
    ['fullwidth target', 'restart ｅｄｇｅ-1'],
    ['Cyrillic е in the verb', 'r\u0435start edge-1'],
    ['Cyrillic а in the target', 'restart \u0430ll'],
    ['Kelvin sign', 'status \u212Aafka-1'],
    ['dotted capital I', 'status \u0130nfra'],
    ['fullwidth angle brackets', 'status ＜!channel＞'],
  ])('unicode lookalikes never pass as ASCII names (%s)', (_, text) => {
    expectSafeError(text);
  });

  it('a 100 KB string is refused up front, not echoed, and quickly', () => {
    const big = `restart ${'<!channel> $(reboot) '.repeat(5000)}`;
    expect(big.length).toBeGreaterThan(100_000);
    const started = Date.now();
    const error = expectSafeError(big);
    expect(Date.now() - started).toBeLessThan(200);
    expect(error).toMatch(/^the command is too long \(\d+ characters; at most 2000\)/);
    expect(error).not.toContain('reboot');
  });

  it('echoes at most ~40 characters of a long word', () => {
    const error = expectSafeError(`${'z'.repeat(1500)} edge-1`);
    expect(error).toContain(`\`${'z'.repeat(40)}…\``);
    expect(error).not.toContain('z'.repeat(41));
  });

  it.each(['status', 'restart', 'reload', 'hosts', 'nope'])(
    'the longest echo (escape-heavy `&`s) stays under 400 chars after %s',
    (verb) => {
      expectSafeError(`${verb} ${'&'.repeat(60)}`);
      expectSafeError(`${verb} x --${'&'.repeat(60)}`);
      expectSafeError(`${verb} x \u2014${'<'.repeat(60)}`);
    },
  );

  it('the echo is escaped and backticks cannot close its code span', () => {
    expect(expectSafeError('status <!channel>')).toContain('`&lt;!\u200bchannel&gt;`');
    expect(expectSafeError('status &lt;!here&gt;')).toMatch(/^`&lt;` is not allowed/);
    expect(expectSafeError('status a`b')).toMatch(/^a backtick is not allowed/);
  });

  it('never throws, even for non-string input at runtime', () => {
    expect(parseCommand(undefined as unknown as string).ok).toBe(false);
    expect(parseCommand(42 as unknown as string).ok).toBe(false);
    expect(parseCommand('\ud800 lone surrogate').ok).toBe(false);
  });
});
