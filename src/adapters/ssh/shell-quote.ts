/** Quotes one argument for a POSIX shell: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('NUL byte in a remote argument');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins an argv into one remote command line, every element quoted. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
