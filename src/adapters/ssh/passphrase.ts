import { readFileSync, statSync } from 'node:fs';
import { ChatopsError, ErrorCode } from '../../core/errors';

/** Where a key's passphrase comes from (`ssh.privateKeys[]`). */
export interface PassphraseSource {
  passphraseFile?: string | undefined;
  passphraseEnv?: string | undefined;
}

/**
 * The passphrase of the key at `keyPath`: the first line of `passphraseFile` (a file group or others may read is
 * refused, like the key), else the value of the env var `passphraseEnv`; undefined when neither is set. Errors name
 * the file or variable, never the passphrase.
 */
export function readPassphrase(keyPath: string, source: PassphraseSource, env: NodeJS.ProcessEnv): string | undefined {
  if (source.passphraseFile !== undefined) return readPassphraseFile(keyPath, source.passphraseFile);
  if (source.passphraseEnv !== undefined) {
    const value = env[source.passphraseEnv];
    if (value === undefined || value === '') {
      throw new ChatopsError(
        ErrorCode.ConfigInvalid,
        `the passphrase of SSH key ${keyPath} comes from the environment variable ${source.passphraseEnv}, which is not set; set it in the bot's environment.`,
      );
    }
    return value;
  }
  return undefined;
}

function readPassphraseFile(keyPath: string, file: string): string {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `passphrase file ${file} (for SSH key ${keyPath}) does not exist; check ssh.privateKeys[].passphraseFile.`,
    );
  }
  if ((mode & 0o077) !== 0) {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `passphrase file ${file} (for SSH key ${keyPath}) is readable by others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
    );
  }
  const first = readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
  if (first === '') {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `passphrase file ${file} (for SSH key ${keyPath}) is empty; its first line must be the passphrase.`,
    );
  }
  return first;
}
