/** ANSI escape sequences as SRS's init.d script writes them (colours, cursor moves). */
// eslint-disable-next-line no-control-regex -- matching the ESC character is the point
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Removes ANSI escapes and other control characters except newline and tab. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(ANSI, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/** Keeps the last `max` characters of `text` (the end of an output is what explains a failure), marking the cut. */
export function trimOutput(text: string, max: number): string {
  const clean = stripAnsi(text).trim();
  if (clean.length <= max) return clean;
  return `[... ${clean.length - max} chars cut]\n` + clean.slice(clean.length - max);
}
