/** How Ansible's INI inventory reads text: words as POSIX shlex splits them, values as Python literals. */

/**
 * Splits a line as Python's `shlex.split(line, comments=True)`: blanks separate words, quotes group (and are
 * removed), a backslash escapes outside single quotes, `#` at the start of a word ends the line. Throws on an
 * unclosed quote.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line.charAt(++i);
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) break;
    else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\') word = (word ?? '') + line.charAt(++i);
    else word = (word ?? '') + c;
  }
  if (quote !== undefined) throw new Error(`unclosed ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}

interface Cursor {
  text: string;
  pos: number;
}

function skipBlanks(c: Cursor): void {
  while (/\s/.test(c.text.charAt(c.pos))) c.pos++;
}

function quoted(c: Cursor): string | undefined {
  const q = c.text.charAt(c.pos);
  let out = '';
  for (c.pos++; c.pos < c.text.length; c.pos++) {
    const ch = c.text.charAt(c.pos);
    if (ch === q) {
      c.pos++;
      return out;
    }
    if (ch === '\\') {
      const next = c.text.charAt(++c.pos);
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
    } else out += ch;
  }
  return undefined;
}

function sequence(c: Cursor, close: string): unknown[] | undefined {
  const items: unknown[] = [];
  for (c.pos++; ;) {
    skipBlanks(c);
    if (c.text.charAt(c.pos) === close) {
      c.pos++;
      return items;
    }
    const item = literal(c);
    if (item === undefined) return undefined;
    items.push(item.value);
    skipBlanks(c);
    if (c.text.charAt(c.pos) === ',') c.pos++;
    else if (c.text.charAt(c.pos) !== close) return undefined;
  }
}

const WORDS: Readonly<Record<string, unknown>> = { True: true, False: false, None: null };

function literal(c: Cursor): { value: unknown } | undefined {
  skipBlanks(c);
  const ch = c.text.charAt(c.pos);
  if (ch === '"' || ch === "'") {
    const s = quoted(c);
    return s === undefined ? undefined : { value: s };
  }
  if (ch === '[' || ch === '(') {
    const items = sequence(c, ch === '[' ? ']' : ')');
    return items === undefined ? undefined : { value: items };
  }
  const m = /^(-?\d+(?:\.\d+)?|True|False|None)(?![\w.])/.exec(c.text.slice(c.pos));
  if (m === null) return undefined;
  c.pos += m[0].length;
  const word = m[0];
  return { value: word in WORDS ? WORDS[word] : Number(word) };
}

/**
 * A value as Ansible's INI plugin reads it (`ast.literal_eval`): numbers, True/False/None, quoted strings, lists and
 * tuples of those; anything else stays the text it is (`yes` is the string `yes`).
 */
export function iniValue(text: string): unknown {
  const c: Cursor = { text: text.trim(), pos: 0 };
  const parsed = literal(c);
  skipBlanks(c);
  return parsed !== undefined && c.pos === c.text.length ? parsed.value : c.text;
}
