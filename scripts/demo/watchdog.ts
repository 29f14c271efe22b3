import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The line the demo writes to the watchdog once it has stopped everything itself. */
export const CLEAN_EXIT = 'clean-exit';

/** The watchdog of one demo run (see watchdog-main.ts). */
export interface Watchdog {
  pid: number;
  /** Tells the watchdog that the demo stopped everything itself: it exits without sweeping. Resolves once written. */
  dismiss(): Promise<void>;
}

/**
 * Starts the watchdog: a separate process in its own session (closing the terminal does not reach it) holding the
 * reading end of a pipe whose only writer is this process. When this process ends in any way, `kill -9` included,
 * the pipe closes; unless the demo dismissed it first, the watchdog then stops every process of the state directory
 * (sweep.ts) and logs what it did to `logPath`.
 */
export function startWatchdog(root: string, logPath: string): Watchdog {
  const log = fs.openSync(logPath, 'a');
  try {
    // The same node and loader (tsx) as this process: one process, no separate build.
    const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, 'watchdog-main.ts'), root, String(process.pid)], {
      detached: true,
      stdio: ['pipe', log, log],
      cwd: process.cwd(),
    });
    child.unref();
    const input = child.stdin;
    if (!input || child.pid === undefined) throw new Error('could not start the demo watchdog');
    input.on('error', () => undefined);
    // Not counted as work that keeps this process alive; the pipe stays open until this process ends.
    (input as unknown as { unref?: () => void }).unref?.();
    return {
      pid: child.pid,
      dismiss: () =>
        new Promise<void>((resolve) => {
          if (input.destroyed) return resolve();
          const timer = setTimeout(resolve, 1000);
          input.end(`${CLEAN_EXIT}\n`, () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    };
  } finally {
    fs.closeSync(log);
  }
}
