import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Lines kept. */
export const HISTORY_SIZE = 1000;

/**
 * Where the console keeps the lines typed at its prompt: the `--history` option's file (`off`: nowhere), else
 * `~/.local/state/srs-chatops/console_history` (the XDG state directory's default place).
 */
export function historyPath(option: string | undefined, home: string = os.homedir()): string | undefined {
  if (option !== undefined) return option.trim() === '' || option === 'off' ? undefined : option;
  return path.join(home, '.local', 'state', 'srs-chatops', 'console_history');
}

/** The saved lines, newest first (as readline's `history` wants them); none when the file is missing or unreadable. */
export function loadHistory(file: string | undefined): string[] {
  if (file === undefined) return [];
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .reverse()
      .slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** Saves readline's history (newest first) oldest first, readable by the user only. Failures are ignored: it is a convenience. */
export function saveHistory(file: string | undefined, history: readonly string[]): void {
  if (file === undefined) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${[...history].slice(0, HISTORY_SIZE).reverse().join('\n')}\n`, { mode: 0o600 });
  } catch {
    // No history file (read-only home, ...): the session's history still works.
  }
}
