/** Where `srs-chatops audit` writes: data to `out` (awaited, for backpressure), messages to `err`. */
export interface AuditOutput {
  out(text: string): void | Promise<void>;
  err(text: string): void;
}

/** Process stdout/stderr; `out` waits for `drain` when stdout's buffer is full (large exports piped to a slow reader). */
export function processOutput(): AuditOutput {
  return {
    out: (text) => {
      if (process.stdout.write(text)) return;
      return new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    },
    err: (text) => {
      process.stderr.write(text);
    },
  };
}
