import fc from 'fast-check';
import { NAME_PATTERN } from '../../../config/schema';
import { parseCommand } from '../../../src/core/parse-command';
import { resolveTargets } from '../../../src/core/resolve-targets';
import { SERVICE_VERBS } from '../../../src/core/verbs';

const INVENTORY = [
  { name: 'edge-1', groups: ['edges', 'prod'] },
  { name: 'edge-2', groups: ['edges', 'prod'] },
  { name: 'edge-3', groups: ['edges'] },
  { name: 'origin.eu_1', groups: ['origins', 'prod'] },
  { name: 'lab', groups: [] },
];
const NAMES = INVENTORY.map((h) => h.name);
const WORDS = [...NAMES, 'edges', 'prod', 'origins', 'all', 'help', 'hosts', ...SERVICE_VERBS];
const SHELL = [
  ';',
  '|',
  '&',
  '&&',
  '$(',
  ')',
  '`',
  '"',
  "'",
  '>',
  '<',
  '\\',
  '*',
  '?',
  '~',
  '!',
  '{',
  '}',
  '#',
  '\n',
  '\t',
  ' ',
  ', ',
  ',',
  'rm -rf /',
  '$(reboot)',
  '`id`',
  '<!channel>',
  '<!here>',
  '<@U123>',
  '@everyone',
  '&lt;!here&gt;',
  '```',
  '--',
  '--graceful',
  '—',
  '\u0000',
  '\u202e',
];

/** A name with one typo: a character inserted, dropped, changed or upper-cased, or a lookalike swapped in. */
const nearMiss = fc
  .tuple(
    fc.constantFrom(...WORDS),
    fc.nat(),
    fc.constantFrom('insert', 'drop', 'change', 'upper', 'lookalike'),
    fc.constantFrom('x', '0', '-', '.', '_', 'é', 'е', 'Ｅ', '\u212A', ' '),
  )
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
const targetExpr = fc
  .array(name, { minLength: 1, maxLength: 5 })
  .chain((names) => fc.constantFrom(',', ', ', ' ,', ',,', ' ').map((sep) => names.join(sep)));
const shellJunk = fc.array(fc.constantFrom(...SHELL), { maxLength: 8 }).map((parts) => parts.join(''));
const unicode = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
const verbWord = fc.oneof(fc.constantFrom(...SERVICE_VERBS, 'help', 'hosts', 'RESTART', 'Status'), nearMiss);
const command = fc
  .tuple(
    fc.constantFrom('', ' ', '  '),
    verbWord,
    fc.constantFrom(' ', '  ', '\u00a0'),
    fc.oneof(targetExpr, shellJunk, unicode),
    fc.oneof(fc.constant(''), shellJunk, fc.constantFrom(' --graceful', ' --deadline 5m', ' all')),
  )
  .map((parts) => parts.join(''));
const validCommand = fc
  .tuple(
    fc.constantFrom(...SERVICE_VERBS),
    fc.array(fc.constantFrom(...NAMES, 'edges', 'prod', 'origins', 'all'), { minLength: 1, maxLength: 4 }),
    fc.constantFrom(',', ', ', ' , '),
  )
  .map(([verb, names, sep]) => `${verb} ${names.join(sep)}`);
const anyText = fc.oneof(
  { weight: 2, arbitrary: validCommand },
  { weight: 4, arbitrary: command },
  { weight: 2, arbitrary: unicode },
  { weight: 2, arbitrary: shellJunk },
  { weight: 1, arbitrary: fc.tuple(unicode, shellJunk, targetExpr).map((p) => p.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1900, maxLength: 2300 }) },
);

/** Why `text` is not a short, Slack-safe message (control sequence, broadcast word, fence, control character, odd backticks), or ''. */
function unsafe(text: unknown, maxLength: number): string {
  if (typeof text !== 'string') return 'not a string';
  if (text.length >= maxLength) return `${text.length} chars`;
  if (/[<>]/.test(text)) return 'a < or >';
  if (/[!@](?:channel|here|everyone)/i.test(text)) return 'a broadcast mention';
  if (text.includes('```')) return 'a code fence';
  if (/[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]/u.test(text)) return 'a control character';
  if ((text.match(/`/g) ?? []).length % 2 !== 0) return 'an odd number of backticks';
  return '';
}

/** Plain checks (not `expect`) keep 12,000 runs fast; a failure throws with the reason, and fast-check shrinks it. */
function check(ok: boolean, why: string): void {
  if (!ok) throw new Error(why);
}

describe('parseCommand / resolveTargets properties', () => {
  it('never throw; ok means an allowlisted verb and a target of names only; errors are short and safe; targets resolve inside the inventory', () => {
    let oks = 0;
    let resolved = 0;
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parseCommand(text);
        if (!r.ok) {
          const why = unsafe(r.error, 400);
          check(why === '', `error has ${why}: ${JSON.stringify(r.error)}`);
          return;
        }
        oks++;
        const c = r.command;
        if (c.kind === 'help') return;
        if (c.kind === 'hosts') {
          check(c.group === undefined || NAME_PATTERN.test(c.group), `bad group ${JSON.stringify(c.group)}`);
          return;
        }
        if (c.kind === 'cancel') {
          check(/^r-[a-z0-9-]+$/.test(c.id), `cancel id ${JSON.stringify(c.id)}`);
          return;
        }
        if (c.kind === 'history') {
          check(c.target === undefined || /^[a-z0-9._,-]+$/.test(c.target), `history target ${JSON.stringify(c.target)}`);
          return;
        }
        if (c.kind === 'jobs') return;
        if (c.kind === 'output') {
          check(/^r-[a-z0-9-]+$/.test(c.id), `output id ${JSON.stringify(c.id)}`);
          return;
        }
        if (c.kind === 'abort') {
          check(/^r-[a-z0-9]+-[a-f0-9]{6}$/.test(c.id), `abort id ${JSON.stringify(c.id)}`);
          return;
        }
        if (c.kind === 'upgrade') {
          check(/^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,6}$/.test(c.version), `upgrade version ${JSON.stringify(c.version)}`);
          check(/^[a-z0-9._,-]+$/.test(c.target), `upgrade target ${JSON.stringify(c.target)}`);
          return;
        }
        check((SERVICE_VERBS as readonly string[]).includes(c.verb), `verb ${JSON.stringify(c.verb)}`);
        check(
          /^[a-z0-9._,-]+$/.test(c.target) && c.target.split(',').every((p) => NAME_PATTERN.test(p)),
          `target ${JSON.stringify(c.target)}`,
        );

        const t = resolveTargets(c.target, INVENTORY);
        if (!t.ok) {
          const why = unsafe(t.error, 1000);
          check(why === '', `resolution error has ${why}: ${JSON.stringify(t.error)}`);
          return;
        }
        resolved++;
        check(t.hosts.length > 0, 'no hosts');
        check(
          t.hosts.every((h) => NAMES.includes(h)),
          `not in the inventory: ${t.hosts.join(',')}`,
        );
        check(
          t.hosts.join(',') === NAMES.filter((n) => t.hosts.includes(n)).join(','),
          `not in inventory order or duplicated: ${t.hosts.join(',')}`,
        );
      }),
      { numRuns: 12_000 },
    );
    // The generators reach every branch, not just errors.
    expect(oks).toBeGreaterThan(500);
    expect(resolved).toBeGreaterThan(200);
  }, 60_000);
});
