import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from '../run-command';

/** A drop-in of /etc/sudoers.d written by a test, checked with `visudo -cf` before it is put in place. */
export interface SudoersDropIn {
  path: string;
  /** Replaces the rule (checked again). */
  write(text: string): Promise<void>;
  /** Removes the drop-in (idempotent). */
  remove(): void;
}

/**
 * Installs `/etc/sudoers.d/<name>` (mode 0440) with `text`, after `visudo -cf` accepted it (a broken drop-in would break
 * sudo for the whole machine). The name must have no dot (sudo skips such files). Needs root.
 */
export async function installSudoers(name: string, text: string): Promise<SudoersDropIn> {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`sudoers drop-in name ${name}: letters, digits, - and _ only`);
  const file = path.join('/etc/sudoers.d', name);
  const write = async (body: string): Promise<void> => {
    const tmp = `${file}.tmp~`; // sudo ignores names with a dot or ending in ~
    fs.writeFileSync(tmp, body.endsWith('\n') ? body : `${body}\n`, { mode: 0o440 });
    const check = await runCommand('visudo', ['-cf', tmp]);
    if (check.code !== 0) {
      fs.rmSync(tmp, { force: true });
      throw new Error(`visudo -cf rejected the sudoers rule: ${check.stdout}${check.stderr}`);
    }
    fs.renameSync(tmp, file);
  };
  await write(text);
  return { path: file, write, remove: () => fs.rmSync(file, { force: true }) };
}
