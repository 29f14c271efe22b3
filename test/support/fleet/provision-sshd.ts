import fs from 'node:fs';
import { copyKeyPair, generateKeyPair } from './ssh-keys';
import { renderSshdConfig } from './sshd-config';
import type { SshdFiles } from './types';

/** What a host's sshd needs besides its own files. */
export interface SshdProvisionInput {
  name: string;
  port: number;
  files: SshdFiles;
  authorizedKeysPath: string;
  extraDirectives?: readonly string[];
}

/** Writes one host's sshd_config. */
export function writeSshdConfig(input: SshdProvisionInput): void {
  fs.writeFileSync(
    input.files.configPath,
    renderSshdConfig({
      port: input.port,
      hostKeyPath: input.files.hostKeyPath,
      pidPath: input.files.pidPath,
      authorizedKeysPath: input.authorizedKeysPath,
      ...(input.extraDirectives && { extraDirectives: input.extraDirectives }),
    }),
  );
}

/**
 * Creates a host's sshd directory: a fresh ed25519 host key (also kept as the pinned copy) and its config.
 * Resolves the host's public key line, for known_hosts.
 */
export async function provisionSshd(input: SshdProvisionInput): Promise<string> {
  fs.mkdirSync(input.files.dir, { recursive: true, mode: 0o700 });
  const publicKey = await generateKeyPair(input.files.hostKeyPath, `srs-chatops-test-${input.name}`);
  copyKeyPair(input.files.hostKeyPath, input.files.pinnedHostKeyPath);
  writeSshdConfig(input);
  return publicKey;
}

/** True when the host key sshd uses is still the pinned one. */
export function hostKeyIsPinned(files: SshdFiles): boolean {
  try {
    return fs.readFileSync(`${files.hostKeyPath}.pub`, 'utf8') === fs.readFileSync(`${files.pinnedHostKeyPath}.pub`, 'utf8');
  } catch {
    return false;
  }
}
