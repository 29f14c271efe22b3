import { fingerprint, verifyHostKey, type HostKeyVerdict, type KnownHosts } from './known-hosts';

/**
 * The host-key check of one handshake: its {@link HostKeyCheck.verify} is ssh2's `hostVerifier`, which accepts the
 * presented key only when known_hosts pins it for this host (an unknown, changed, revoked or unreadable entry is
 * refused, so nothing is authenticated or run). It remembers the verdict and the fingerprint, so that a refused
 * connect can say why.
 */
export class HostKeyCheck {
  /** known_hosts' verdict on the presented key; undefined until the server presented one. */
  verdict: HostKeyVerdict | undefined;
  /** The presented key's `SHA256:…` fingerprint; undefined until the server presented one. */
  presented: string | undefined;

  constructor(
    private readonly known: KnownHosts,
    private readonly address: string,
    private readonly port: number,
  ) {}

  /** ssh2's `hostVerifier`: true only for a key that known_hosts pins for this host. */
  readonly verify = (hostKey: Buffer): boolean => {
    this.verdict = verifyHostKey(this.known, this.address, this.port, hostKey);
    this.presented = fingerprint(hostKey);
    return this.verdict.kind === 'match';
  };

  /** The verdict that refused the key, for the connect error; undefined when the key matched or none was presented. */
  refusal(): HostKeyVerdict | undefined {
    return this.verdict?.kind === 'match' ? undefined : this.verdict;
  }
}
