import { inlineCode } from './text/inline-code';

/** How one `--flag` is written: alone (`--graceful`) or with a value (`--deadline 5m`, `--deadline=5m`). */
export interface FlagSpec {
  takesValue: boolean;
}

/** The flags a command accepts, by name without dashes. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The words of a command split into positional words and flags (`true` for flags without a value). */
export type FlagSplit =
  | { ok: true; positional: string[]; flags: ReadonlyMap<string, string | true> }
  | { ok: false; /** Slack-safe; echoes at most one flag, escaped. */ error: string };

/** Dashes a flag may start with: `-`, and the en/em dashes that chat clients make of `--`. */
const FLAG_START = /^(?:-|\u2013|\u2014)/;

/** True when `word` looks like a flag (`--graceful`, `-f`, or `—graceful` after a client's autocorrect). */
export function isFlagLike(word: string): boolean {
  return FLAG_START.test(word);
}

/**
 * Separates flags from positional words, checking every flag against `specs`: an unknown flag, a value
 * missing or given to a flag that takes none, or a flag given twice is an error naming the flag.
 */
export function splitFlags(words: readonly string[], specs: FlagSpecs): FlagSplit {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (!isFlagLike(word)) {
      positional.push(word);
      continue;
    }
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(word);
    const name = match?.[1];
    const spec = name !== undefined && Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (match === null || name === undefined || spec === undefined) {
      const dash = /^[\u2013\u2014]/.test(word) ? ' (your chat client may have turned `--` into a dash)' : '';
      return { ok: false, error: `unknown flag ${inlineCode(word)}${dash}` };
    }
    if (flags.has(name)) return { ok: false, error: `flag \`--${name}\` is given twice` };
    const inline = match[2];
    if (!spec.takesValue) {
      if (inline !== undefined) return { ok: false, error: `flag \`--${name}\` takes no value` };
      flags.set(name, true);
      continue;
    }
    const value = inline ?? words[i + 1];
    if (value === undefined || value === '' || isFlagLike(value)) return { ok: false, error: `flag \`--${name}\` needs a value` };
    if (inline === undefined) i++;
    flags.set(name, value);
  }
  return { ok: true, positional, flags };
}

/** A flag's whole-number value within [min, max] (`--batch 2`), absent when not given, or what is wrong with it. */
export function countFlag(
  value: string | true | undefined,
  name: string,
  min: number,
  max: number,
): { ok: true; n?: number } | { ok: false; error: string } {
  if (value === undefined) return { ok: true };
  const n = typeof value === 'string' && /^[0-9]{1,3}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    return { ok: false, error: `\`--${name}\` takes a whole number from ${min} to ${max}, not ${inlineCode(String(value))}` };
  return { ok: true, n };
}
