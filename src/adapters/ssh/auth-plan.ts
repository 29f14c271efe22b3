import type { AnyAuthMethod, AuthenticationType, NextAuthHandler } from 'ssh2';
import { describeIdentity, type AuthUsed, type Identity } from './identity';
import { RecordingAgent } from './recording-agent';

/**
 * The identities of one connection, tried in order by ssh2's `authHandler` (key files, then the agent's keys), and
 * what happened: which identity logged in ({@link AuthPlan.used}), or what was tried ({@link AuthPlan.tried}).
 */
export class AuthPlan {
  private next = 0;
  private current: Identity | undefined;
  private readonly agents = new Map<Identity, RecordingAgent>();

  constructor(
    private readonly identities: readonly Identity[],
    private readonly username: string,
  ) {}

  /** ssh2's `authHandler`: the next identity, or false when all were tried. */
  readonly handler = (_left: AuthenticationType[] | null, _partial: boolean | null, done: NextAuthHandler): void => {
    const identity = this.identities[this.next];
    this.next += 1;
    this.current = identity;
    if (identity === undefined) {
      done(false as unknown as AnyAuthMethod); // ssh2: false ends authentication ("All configured authentication methods failed")
      return;
    }
    if (identity.kind === 'key') {
      done({ type: 'publickey', username: this.username, key: identity.key });
      return;
    }
    const agent = new RecordingAgent(identity.socket);
    this.agents.set(identity, agent);
    done({ type: 'agent', username: this.username, agent });
  };

  /** The identity that authenticated, once the connection is up (the one being tried when the server said yes). */
  used(): AuthUsed | undefined {
    const id = this.current;
    if (id === undefined) return undefined;
    if (id.kind === 'key') return { kind: 'key', path: id.path, fingerprint: id.fingerprint, keyType: id.keyType };
    return this.agents.get(id)?.signedWith;
  }

  /** What was tried, for an authentication failure: `key /a (SHA256:…); agent /s (2 keys, 1 certificate skipped)`. */
  tried(): string {
    return this.identities
      .slice(0, this.next)
      .map((id) => describeIdentity(id) + this.agentNote(id))
      .join('; ');
  }

  private agentNote(id: Identity): string {
    const offer = this.agents.get(id)?.offer;
    if (offer === undefined) return '';
    if (offer.error !== undefined) return ` (${offer.error})`;
    const certs =
      offer.certificates > 0
        ? `, ${offer.certificates} OpenSSH certificate${offer.certificates === 1 ? '' : 's'} skipped: ssh2 cannot use them`
        : '';
    return ` (${offer.keys} key${offer.keys === 1 ? '' : 's'}${certs})`;
  }
}
