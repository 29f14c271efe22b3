import { stripVTControlCharacters } from 'node:util';

/** Control characters left once the escape sequences are gone: all C0 but tab and newline (so `\r`, bells, lone ESCs), and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * Removes terminal escape sequences (the colours and cursor moves of SRS's init.d script, `\x1b[32m`, `\x1b[60G`) with
 * Node's `stripVTControlCharacters`, then every other control character except newline and tab.
 */
export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text).replace(CONTROL, '');
}

/** Keeps the last `max` characters of `text` (the end of an output is what explains a failure), marking the cut. */
export function trimOutput(text: string, max: number): string {
  const clean = stripAnsi(text).trim();
  if (clean.length <= max) return clean;
  return `[... ${clean.length - max} chars cut]\n` + clean.slice(clean.length - max);
}
