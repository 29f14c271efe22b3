import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What is wrong with a command line, by kind, so that a caller can word it its own way. */
export type UsageProblem = 'unknown option' | 'unexpected argument' | 'needs a value' | 'takes no value';

/** A command-line mistake: the command prints its usage on stderr and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The kind of mistake, when parseArgs found it. */
    readonly problem?: UsageProblem,
    /** The argument as typed (`--bogus`, `-n`, `foo`). */
    readonly arg?: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The wording of a problem: `unknown option '--bogus'`, `--since needs a value`. */
export function describeProblem(problem: UsageProblem, arg: string): string {
  if (problem === 'needs a value') return `${arg} needs a value`;
  if (problem === 'takes no value') return `${arg} takes no value`;
  return `${problem} '${arg}'`;
}

/**
 * Names the first argument strict parseArgs refused. parseArgs' own messages differ between Node versions and name an
 * option by its declaration (`'-n, --lines <value>'`), not as typed, so the culprit is found again in a lenient pass.
 */
function findProblem(args: readonly string[], options: Options, allowPositionals: boolean): UsageError | undefined {
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    let problem: UsageProblem | undefined;
    let arg = '';
    if (t.kind === 'positional') {
      if (!allowPositionals) [problem, arg] = ['unexpected argument', t.value];
    } else if (t.kind === 'option') {
      const type = options[t.name]?.type;
      arg = t.rawName;
      if (type === undefined) problem = 'unknown option';
      else if (type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-')))) problem = 'needs a value';
      else if (type === 'boolean' && t.value !== undefined) problem = 'takes no value';
    }
    if (problem !== undefined) return new UsageError(describeProblem(problem, arg), problem, arg);
  }
  return undefined;
}

/**
 * `parseArgs` in strict mode, with tokens (to tell which spelling of an option was typed); its errors become a
 * {@link UsageError} naming the argument as typed. Positionals are refused unless `allowPositionals`.
 */
export function parseCommandArgs<T extends Options>(args: readonly string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals, tokens: true });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw err;
    throw findProblem(args, options, allowPositionals) ?? new UsageError(err instanceof Error ? err.message : String(err));
  }
}
