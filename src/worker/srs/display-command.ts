/**
 * The display form of a remote command, for a reader (the step output, the planned commands of a dry run): the argv
 * shell-quoted the way a POSIX shell would read it back, except that a long script embedded with `sh -c SCRIPT NAME
 * ARGS...` (remote-scripts.ts: scriptArgv) is shown by its name, as `sh -c <srs-initd> ARGS...`: the text itself is
 * one of the constant scripts of remote-scripts.ts, the same on every host, and would bury what differs.
 */

/** Characters a word may hold unquoted (no shell meaning anywhere in a word). */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** An embedded script is shown by its name past this many characters, or when it spans lines. */
const LONG_SCRIPT = 30;

/** One word, shell-quoted when it needs to be: `'...'`, a `'` inside written `'\''`. */
export function shellQuote(word: string): string {
  if (word !== '' && PLAIN.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The argv as a reader sees it: each word shell-quoted, a long `sh -c` script shown as `<NAME>`. */
export function displayCommand(argv: readonly string[]): string {
  const at = scriptAt(argv);
  if (at < 0) return argv.map(shellQuote).join(' ');
  const name = argv[at + 2] ?? 'script';
  return [...argv.slice(0, at + 1).map(shellQuote), `<${name}>`, ...argv.slice(at + 3).map(shellQuote)].join(' ');
}

/** The index of `-c` in `sh -c SCRIPT NAME...` (after a `sudo` prefix too) when SCRIPT is long; else -1. */
function scriptAt(argv: readonly string[]): number {
  for (let i = 0; i + 2 < argv.length; i++) {
    const sh = argv[i] ?? '';
    if ((sh === 'sh' || sh.endsWith('/sh')) && argv[i + 1] === '-c') {
      const script = argv[i + 2] ?? '';
      return (script.length > LONG_SCRIPT || script.includes('\n')) && argv[i + 3] !== undefined ? i + 1 : -1;
    }
  }
  return -1;
}
