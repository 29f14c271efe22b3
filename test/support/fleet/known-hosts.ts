/** One pinned host: its SSH port on 127.0.0.1 and its public key line. */
export interface KnownHostEntry {
  address: string;
  port: number;
  /** `ssh-ed25519 AAAA... [comment]`: the comment is dropped. */
  publicKey: string;
}

/** A non-hashed known_hosts file: `[address]:port type base64` per host (plain `address` for port 22). */
export function renderKnownHosts(entries: readonly KnownHostEntry[]): string {
  return entries
    .map(({ address, port, publicKey }) => {
      const [type, blob] = publicKey.trim().split(/\s+/);
      if (!type || !blob) throw new Error(`not a public key line: ${publicKey}`);
      const host = port === 22 ? address : `[${address}]:${port}`;
      return `${host} ${type} ${blob}\n`;
    })
    .join('');
}
