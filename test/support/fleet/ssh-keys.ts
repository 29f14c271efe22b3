import fs from 'node:fs';
import { runCommand } from '../run-command';

/**
 * Generates an ed25519 key pair with `ssh-keygen -t ed25519 -N ''` at `privateKeyPath` (public key at `.pub`),
 * replacing any existing pair. The private key is mode 0600 (sshd refuses readable host keys, ssh readable
 * identities). Returns the public key line (`ssh-ed25519 AAAA... comment`).
 */
export async function generateKeyPair(privateKeyPath: string, comment: string): Promise<string> {
  fs.rmSync(privateKeyPath, { force: true });
  fs.rmSync(`${privateKeyPath}.pub`, { force: true });
  const result = await runCommand('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', privateKeyPath]);
  if (result.code !== 0) {
    throw new Error(`ssh-keygen for ${privateKeyPath} failed (exit ${String(result.code)}): ${result.stderr.trim()}`);
  }
  fs.chmodSync(privateKeyPath, 0o600);
  return readPublicKey(privateKeyPath);
}

/** The public key line of a key pair (`ssh-ed25519 AAAA... comment`). */
export function readPublicKey(privateKeyPath: string): string {
  return fs.readFileSync(`${privateKeyPath}.pub`, 'utf8').trim();
}

/** Copies a key pair (private at 0600) to another path. */
export function copyKeyPair(fromPrivate: string, toPrivate: string): void {
  fs.copyFileSync(fromPrivate, toPrivate);
  fs.chmodSync(toPrivate, 0o600);
  fs.copyFileSync(`${fromPrivate}.pub`, `${toPrivate}.pub`);
}
