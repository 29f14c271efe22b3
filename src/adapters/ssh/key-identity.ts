import { utils } from 'ssh2';
import { ChatopsError, ErrorCode } from '../../core/errors';
import type { KeyIdentity } from './identity';
import { fingerprint } from './known-hosts';
import { readPrivateKey } from './private-key';

/** OpenSSH user certificate key types end like this (`ssh-ed25519-cert-v01@openssh.com`). */
const CERT_TYPE = /-cert-v0[01]@openssh\.com$/;

/** Why this bot cannot use OpenSSH user certificates (docs/ssh-access.md#certificates says more). */
export const CERTIFICATES_UNSUPPORTED =
  'the SSH library (ssh2 1.17) cannot authenticate with OpenSSH certificates: it drops the certificate and offers a wrong key; see docs/ssh-access.md#certificates';

/**
 * Reads and parses the private key at `path` (decrypted with `passphrase` when it is encrypted). Refuses, naming the
 * file and never the passphrase: a missing or loose file, a certificate or public key given instead of a private key,
 * an encrypted key without a passphrase, a wrong passphrase, a format ssh2 cannot read.
 */
export function loadKeyIdentity(path: string, passphrase: string | undefined): KeyIdentity {
  if (/-cert\.pub$/.test(path)) throw certificateError(path);
  const key = utils.parseKey(readPrivateKey(path), passphrase);
  if (key instanceof Error) throw keyError(path, key.message, passphrase !== undefined);
  if (CERT_TYPE.test(key.type)) throw certificateError(path);
  if (!key.isPrivateKey()) {
    throw new ChatopsError(ErrorCode.ConfigInvalid, `SSH key ${path} is a public key; configure the private key file (without .pub).`);
  }
  return { kind: 'key', path, key, fingerprint: fingerprint(key.getPublicSSH()), keyType: key.type };
}

function certificateError(path: string): ChatopsError {
  return new ChatopsError(
    ErrorCode.ConfigInvalid,
    `SSH key ${path} is an OpenSSH certificate, not a private key: ${CERTIFICATES_UNSUPPORTED}. Configure the private key itself (with its public key in the user's authorized_keys) instead.`,
  );
}

/** The error for a key ssh2 could not parse: which file, and what to do. */
function keyError(path: string, reason: string, hadPassphrase: boolean): ChatopsError {
  if (/no passphrase given/i.test(reason)) {
    return new ChatopsError(
      ErrorCode.ConfigInvalid,
      `SSH key ${path} is encrypted and no passphrase is configured for it; list it under ssh.privateKeys with passphraseFile or passphraseEnv.`,
    );
  }
  if (hadPassphrase && /bad passphrase|decrypt|integrity/i.test(reason)) {
    return new ChatopsError(
      ErrorCode.ConfigInvalid,
      `the passphrase configured for SSH key ${path} is wrong (the key cannot be decrypted); check its passphraseFile or passphraseEnv.`,
    );
  }
  return new ChatopsError(
    ErrorCode.ConfigInvalid,
    `SSH key ${path} cannot be read as a private key (${reason.slice(0, 120)}); give an OpenSSH or PEM private key.`,
  );
}
