/**
 * Ansible's host ranges: `edge-[01:10]` (zero-padded when the start is), `db-[a:c]`, with a stride `[1:10:2]`, and
 * several ranges in one name. Ranges are inclusive; an empty start means 0. Throws an Error saying what is wrong.
 */
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function hasRange(pattern: string): boolean {
  const open = pattern.indexOf('[');
  const close = pattern.indexOf(']', open);
  return open >= 0 && close > open && pattern.slice(open, close).includes(':');
}

function sequence(beg: string, end: string, step: number): string[] {
  const letterBeg = LETTERS.indexOf(beg);
  const letterEnd = LETTERS.indexOf(end);
  if (beg.length === 1 && end.length === 1 && letterBeg >= 0 && letterEnd >= 0) {
    if (letterBeg > letterEnd) throw new Error(`host range [${beg}:${end}] must have its begin before its end`);
    const out: string[] = [];
    for (let i = letterBeg; i <= letterEnd; i += step) out.push(LETTERS[i] ?? '');
    return out;
  }
  if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) throw new Error(`host range [${beg}:${end}] must be numbers or single letters`);
  const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
  if (width > 0 && end.length !== width) throw new Error(`host range [${beg}:${end}] must give begin and end the same width`);
  const [from, to] = [Number(beg), Number(end)];
  if (from > to) throw new Error(`host range [${beg}:${end}] must have its begin before its end`);
  const out: string[] = [];
  for (let i = from; i <= to; i += step) out.push(String(i).padStart(width, '0'));
  return out;
}

/** The host names a pattern stands for (the pattern itself when it has no range). */
export function expandHostPattern(pattern: string): string[] {
  if (!hasRange(pattern)) return [pattern];
  const open = pattern.indexOf('[');
  const close = pattern.indexOf(']', open);
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = pattern.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3)
    throw new Error(`host range [${bounds.join(':')}] must be [begin:end] or [begin:end:step]`);
  const [beg = '', end = '', stepText = '1'] = bounds;
  if (end === '') throw new Error(`host range [${bounds.join(':')}] must have an end`);
  const step = Number(stepText);
  if (!Number.isInteger(step) || step < 1) throw new Error(`host range step ${stepText} must be a positive whole number`);
  return sequence(beg === '' ? '0' : beg, end, step).flatMap((part) => expandHostPattern(`${head}${part}${tail}`));
}
