/** Options for {@link waitUntil}. */
export interface WaitUntilOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between checks. @defaultValue 25 */
  intervalMs?: number;
  /** What is awaited, for the timeout message ("sshd on port 2222 to answer"). */
  description: string;
}

/** Resolves `ms` milliseconds from now. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it returns true; rejects after `timeoutMs`. An exception thrown by `check` aborts the wait
 * (use it for "the process died, stop waiting").
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, options: WaitUntilOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 25;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.description}`);
    }
    await sleep(intervalMs);
  }
}
