import fc from 'fast-check';
import { NAME_PATTERN } from '../../config/schema';
import { parseCommand } from '../../src/core/parse-command';
import { resolveTargets } from '../../src/core/resolve-targets';
import { VERBS } from '../../src/core/verbs';

const INVENTORY = [
  { name: 'edge-1', groups: ['edges', 'prod'] },
  { name: 'edge-2', groups: ['edges', 'prod'] },
  { name: 'edge-3', groups: ['edges'] },
  { name: 'origin.eu_1', groups: ['origins', 'prod'] },
  { name: 'lab', groups: [] },
];
const NAMES = INVENTORY.map((h) => h.name);
const WORDS = [...NAMES, 'edges', 'prod', 'origins', 'all', 'help', 'hosts', ...VERBS];
const SHELL = [';', '|', '&', '&&', '$(', ')', '`', '"', "'", '>', '<', '\\', '*', '?', '~', '!', '{', '}', '#', '\n', '\t', ' ', ', ', ',',
  'rm -rf /', '$(reboot)', '`id`', '<!channel>', '<!here>', '<@U123>', '@everyone', '&lt;!here&gt;', '```', '--', '--graceful', '—', '\u0000', '\u202e'];

/** A name with one typo: a character inserted, dropped, changed or upper-cased, or a lookalike swapped in. */
const nearMiss = fc
  .tuple(fc.constantFrom(...WORDS), fc.nat(), fc.constantFrom('insert', 'drop', 'change', 'upper', 'lookalike'), fc.constantFrom('x', '0', '-', '.', '_', 'é', 'е', 'Ｅ', '\u212A', ' '))
  .map(([word, at, how, ch]) => {
    const i = word.length === 0 ? 0 : at % word.length;
    switch (how) {
      case 'insert':
        return word.slice(0, i) + ch + word.slice(i);
      case 'drop':
        return word.slice(0, i) + word.slice(i + 1);
      case 'change':
        return word.slice(0, i) + ch + word.slice(i + 1);
      case 'upper':
        return word.toUpperCase();
      default:
        return word.replace(/e/g, '\u0435');
    }
  });

const name = fc.oneof(fc.constantFrom(...WORDS), nearMiss, fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/));
const targetExpr = fc.array(name, { minLength: 1, maxLength: 5 }).chain((names) =>
  fc.constantFrom(',', ', ', ' ,', ',,', ' ').map((sep) => names.join(sep)),
);
const shellJunk = fc.array(fc.constantFrom(...SHELL), { maxLength: 8 }).map((parts) => parts.join(''));
const unicode = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
const verbWord = fc.oneof(fc.constantFrom(...VERBS, 'help', 'hosts', 'RESTART', 'Status'), nearMiss);
const command = fc
  .tuple(fc.constantFrom('', ' ', '  '), verbWord, fc.constantFrom(' ', '  ', '\u00a0'), fc.oneof(targetExpr, shellJunk, unicode), fc.oneof(fc.constant(''), shellJunk, fc.constantFrom(' --graceful', ' --deadline 5m', ' all')))
  .map((parts) => parts.join(''));
const validCommand = fc
  .tuple(fc.constantFrom(...VERBS), fc.array(fc.constantFrom(...NAMES, 'edges', 'prod', 'origins', 'all'), { minLength: 1, maxLength: 4 }), fc.constantFrom(',', ', ', ' , '))
  .map(([verb, names, sep]) => `${verb} ${names.join(sep)}`);
const anyText = fc.oneof(
  { weight: 2, arbitrary: validCommand },
  { weight: 4, arbitrary: command },
  { weight: 2, arbitrary: unicode },
  { weight: 2, arbitrary: shellJunk },
  { weight: 1, arbitrary: fc.tuple(unicode, shellJunk, targetExpr).map((p) => p.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1900, maxLength: 2300 }) },
);

/** A Slack-safe message: short, no control sequences or broadcast words, backticks paired, no control characters. */
function expectSafe(text: string, maxLength: number): void {
  expect(typeof text).toBe('string');
  expect(text.length).toBeLessThan(maxLength);
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/[!@](?:channel|here|everyone)/i);
  expect(text).not.toContain('```');
  expect(text).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]/u);
  expect((text.match(/`/g) ?? []).length % 2).toBe(0);
}

describe('parseCommand / resolveTargets properties', () => {
  it('never throw; ok means an allowlisted verb and a target of names only; errors are short and safe; targets resolve inside the inventory', () => {
    let oks = 0;
    let resolved = 0;
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parseCommand(text);
        if (!r.ok) {
          expectSafe(r.error, 400);
          return;
        }
        oks++;
        const c = r.command;
        if (c.kind === 'hosts') {
          if (c.group !== undefined) expect(c.group).toMatch(NAME_PATTERN);
          return;
        }
        if (c.kind === 'help') return;
        expect(VERBS).toContain(c.verb);
        expect(c.target).toMatch(/^[a-z0-9._,-]+$/);
        for (const part of c.target.split(',')) expect(part).toMatch(NAME_PATTERN);

        const t = resolveTargets(c.target, INVENTORY);
        if (!t.ok) {
          expectSafe(t.error, 1000);
          return;
        }
        resolved++;
        expect(t.hosts.length).toBeGreaterThan(0);
        expect(new Set(t.hosts).size).toBe(t.hosts.length);
        for (const h of t.hosts) expect(NAMES).toContain(h);
        expect(t.hosts).toEqual(NAMES.filter((n) => t.hosts.includes(n)));
      }),
      { numRuns: 12_000 },
    );
    // The generators reach every branch, not just errors.
    expect(oks).toBeGreaterThan(500);
    expect(resolved).toBeGreaterThan(200);
  });
});
