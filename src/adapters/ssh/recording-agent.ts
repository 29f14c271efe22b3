import { OpenSSHAgent, utils, type IdentityCallback, type ParsedKey, type SignCallback, type SigningRequestOptions } from 'ssh2';
import type { AuthUsed } from './identity';
import { listAgentKeys } from './agent-keys';
import { fingerprint } from './known-hosts';

/** What the agent offered one connection: usable keys, and certificates it had to skip. */
export interface AgentOffer {
  keys: number;
  certificates: number;
  /** The listing failed (the agent died, the socket went away). */
  error?: string;
}

const CERT_TYPE = /-cert-v0[01]@openssh\.com$/;

/**
 * ssh2's OpenSSH agent client, for ONE connection: it lists the agent's keys itself (so that certificates, which
 * ssh2 cannot use, are counted rather than silently dropped) and remembers the key it was asked to sign with — the
 * server asks for a signature only after it accepted the key, so the last one signed is the one that logged in.
 * A listing that fails offers no key (the next identity is tried) instead of failing the whole connect.
 */
export class RecordingAgent extends OpenSSHAgent {
  offer: AgentOffer | undefined;
  signedWith: Extract<AuthUsed, { kind: 'agent' }> | undefined;

  constructor(private readonly socket: string) {
    super(socket);
  }

  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    listAgentKeys(this.socket).then(
      (listed) => {
        const keys: ParsedKey[] = [];
        for (const k of listed) {
          if (CERT_TYPE.test(k.type)) continue;
          const parsed = utils.parseKey(k.blob);
          if (parsed instanceof Error) continue;
          parsed.comment = k.comment;
          keys.push(parsed);
        }
        this.offer = { keys: keys.length, certificates: listed.filter((k) => CERT_TYPE.test(k.type)).length };
        cb(undefined, keys);
      },
      (err: unknown) => {
        this.offer = { keys: 0, certificates: 0, error: err instanceof Error ? err.message : String(err) };
        cb(undefined, []);
      },
    );
  }

  override sign(
    pubKey: ParsedKey | Buffer | string,
    data: Buffer,
    options?: SigningRequestOptions | SignCallback,
    cb?: SignCallback,
  ): boolean {
    const key = utils.parseKey(pubKey);
    if (!(key instanceof Error)) {
      this.signedWith = {
        kind: 'agent',
        socket: this.socket,
        fingerprint: fingerprint(key.getPublicSSH()),
        keyType: key.type,
        comment: key.comment,
      };
    }
    if (typeof options === 'function') return super.sign(pubKey, data, options);
    return super.sign(pubKey, data, options, cb);
  }
}
