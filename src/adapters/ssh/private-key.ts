import { readFileSync, statSync } from 'node:fs';
import { ChatopsError, ErrorCode } from '../../core/errors';

/** Reads the private key, refusing one that group or others may read (like OpenSSH does). */
export function readPrivateKey(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new ChatopsError(ErrorCode.ConfigInvalid, `SSH private key ${path} does not exist; set ssh.privateKeyPath.`);
  }
  if ((mode & 0o077) !== 0) {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `SSH private key ${path} is readable by others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${path}`,
    );
  }
  return readFileSync(path, 'utf8');
}
