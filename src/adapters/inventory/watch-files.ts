import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../ports/logger-port';

/** A watch over some files: `setPaths` changes which, `close` stops it. */
export interface FileWatch {
  setPaths(paths: readonly string[]): void;
  close(): void;
}

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` is called once. @defaultValue 400 */
  debounceMs?: number;
  /** How often a file that is missing (renamed away, not yet back) is looked for again. @defaultValue 100 */
  retryMs?: number;
  logger: Logger;
}

/**
 * Watches files (node fs.watch) and calls `onChange` once per burst of changes. Editors that save by writing a new
 * file and renaming it over the old one leave the watch on a file that is gone: on a `rename` event the watch is
 * re-armed on the path (retried while the path is missing), and the burst counts as a change.
 */
export function watchFiles(initial: readonly string[], onChange: () => void, o: WatchOptions): FileWatch {
  const debounceMs = o.debounceMs ?? 400;
  const retryMs = o.retryMs ?? 100;
  const watchers = new Map<string, FSWatcher>();
  const retries = new Map<string, NodeJS.Timeout>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const changed = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const disarm = (file: string) => {
    watchers.get(file)?.close();
    watchers.delete(file);
    clearTimeout(retries.get(file));
    retries.delete(file);
  };
  const arm = (file: string) => {
    disarm(file);
    if (closed) return;
    try {
      const w = watch(file, { persistent: false }, (event) => {
        changed();
        if (event === 'rename') arm(file);
      });
      w.on('error', () => arm(file));
      watchers.set(file, w);
    } catch {
      // Missing for now (between an editor's unlink and rename): look again, and count its return as a change.
      retries.set(
        file,
        setTimeout(() => {
          arm(file);
          if (watchers.has(file)) changed();
        }, retryMs),
      );
    }
  };
  const setPaths = (paths: readonly string[]) => {
    const wanted = new Set(paths.map((p) => path.resolve(p)));
    for (const file of [...watchers.keys(), ...retries.keys()]) if (!wanted.has(file)) disarm(file);
    for (const file of wanted) if (!watchers.has(file) && !retries.has(file)) arm(file);
    o.logger.debug({ paths: [...wanted] }, 'watching the config and inventory files');
  };
  setPaths(initial);
  return {
    setPaths,
    close: () => {
      closed = true;
      clearTimeout(timer);
      for (const file of [...watchers.keys(), ...retries.keys()]) disarm(file);
    },
  };
}
