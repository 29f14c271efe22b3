/** `-h` / `--help`, which every subcommand takes. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** A subcommand's parsed command line: its usage was asked for, or what to run with. */
export type Parsed<T> = { help: true } | ({ help: false } & T);
