import { isProcessAlive } from './process-table';
import { waitUntil } from './wait-until';

/** Sends a signal; false when the process is already gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Options for {@link stopProcess}. */
export interface StopProcessOptions {
  /** First signal. @defaultValue 'SIGTERM' */
  signal?: NodeJS.Signals;
  /** How long to wait after the first signal before SIGKILL. @defaultValue 3000 */
  graceMs?: number;
}

/**
 * Stops one process by pid: `signal` (plus SIGCONT, so a SIGSTOPped process can act on it), then SIGKILL if it
 * is still alive after `graceMs`. Resolves once it is gone (or a zombie). A pid that is not alive is left alone.
 */
export async function stopProcess(pid: number, options: StopProcessOptions = {}): Promise<void> {
  if (!isProcessAlive(pid)) return;
  const signal = options.signal ?? 'SIGTERM';
  signalProcess(pid, signal);
  if (signal !== 'SIGKILL') signalProcess(pid, 'SIGCONT');
  try {
    await waitUntil(() => !isProcessAlive(pid), {
      timeoutMs: options.graceMs ?? 3000,
      description: `pid ${pid} to exit`,
    });
    return;
  } catch {
    signalProcess(pid, 'SIGKILL');
  }
  await waitUntil(() => !isProcessAlive(pid), { timeoutMs: 5000, description: `pid ${pid} to die after SIGKILL` });
}
