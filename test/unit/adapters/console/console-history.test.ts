import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HISTORY_SIZE, historyPath, loadHistory, saveHistory } from '../../../../src/adapters/console/console-history';

describe('console history', () => {
  it('lives in the state directory, or where --history says (off: nowhere)', () => {
    expect(historyPath(undefined, '/home/ops')).toBe('/home/ops/.local/state/srs-chatops/console_history');
    expect(historyPath(undefined)).toBe(path.join(os.homedir(), '.local/state/srs-chatops/console_history'));
    expect(historyPath('/x/h', '/home/ops')).toBe('/x/h');
    expect(historyPath('off')).toBeUndefined();
    expect(historyPath('')).toBeUndefined();
  });

  it('saves oldest first, loads newest first (as readline wants), private to the user, at most HISTORY_SIZE lines', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'console-history-')), 'state', 'console_history');
    expect(loadHistory(file)).toEqual([]);
    saveHistory(file, ['status all', 'hosts']);
    expect(fs.readFileSync(file, 'utf8')).toBe('hosts\nstatus all\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadHistory(file)).toEqual(['status all', 'hosts']);
    saveHistory(
      file,
      Array.from({ length: HISTORY_SIZE + 5 }, (_, i) => `line ${i}`),
    );
    expect(loadHistory(file)).toHaveLength(HISTORY_SIZE);
    expect(loadHistory(file)[0]).toBe('line 0');
    // Not writable (a directory where a file is): the session goes on without a file.
    expect(() => saveHistory(path.join(file, 'sub', 'history'), ['x'])).not.toThrow();
  });
});
