import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';

/** A host key as offered by a server: OpenSSH key type and the raw blob. */
export interface OfferedKey {
  type: string;
  blob: Buffer;
}

/** The key type inside an SSH public key blob (its first length-prefixed string). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('ascii');
}

/**
 * Reads the host key a server offers, for trust-on-first-use by an operator who asked for it. The key is refused in
 * the handshake (the verifier answers false), so nothing is authenticated or run on an unverified host. With `sock` (a
 * channel forwarded by a bastion, see SshHost.offeredHostKey) the handshake runs over it instead of a TCP connect.
 */
export function fetchHostKey(address: string, port: number, timeoutMs: number, sock?: Duplex): Promise<OfferedKey> {
  return new Promise<OfferedKey>((resolve, reject) => {
    const client = new Client();
    let offered: OfferedKey | undefined;
    const done = (err?: Error) => {
      client.end();
      if (offered) resolve(offered);
      else reject(err ?? new Error('the server offered no host key'));
    };
    client.on('error', (err) => done(err));
    client.on('close', () => done());
    client.connect({
      ...(sock ? { sock } : { host: address, port }),
      username: 'srs-chatops-keyscan',
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        offered = { type: keyType(key), blob: Buffer.from(key) };
        return false;
      },
    });
  });
}
