/** A probe's "not yet" answers. */
export type NotYet = false | null | undefined;

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Named in the timeout error. */
  label?: string;
  /** State dump appended to the timeout error. */
  describe: () => string;
}

/**
 * Calls `probe` until it returns something other than false/null/undefined, and resolves with it.
 * A probe that throws (e.g. a failing `expect`) counts as "not yet"; its last error is in the timeout message.
 */
export function pollUntil<T>(probe: () => T | NotYet, options: PollOptions): Promise<T> {
  const interval = options.intervalMs ?? 10;
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  return new Promise<T>((resolve, reject) => {
    const attempt = (): void => {
      try {
        const value = probe();
        if (value !== false && value !== null && value !== undefined) {
          resolve(value);
          return;
        }
      } catch (err) {
        lastError = err;
      }
      if (Date.now() >= deadline) {
        const label = options.label === undefined ? '' : ` (${options.label})`;
        const why = lastError instanceof Error ? `\nlast probe error: ${lastError.message}` : '';
        reject(
          new Error(`waitFor${label} timed out after ${options.timeoutMs} ms${why}\n--- slack stand-in state ---\n${options.describe()}`),
        );
        return;
      }
      setTimeout(attempt, interval);
    };
    attempt();
  });
}
