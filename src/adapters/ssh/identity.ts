import type { ParsedKey } from 'ssh2';

/** A private key file, parsed (and decrypted) once at start; tried with ssh2's `publickey` method. */
export interface KeyIdentity {
  kind: 'key';
  path: string;
  key: ParsedKey;
  /** `SHA256:…` of the public key, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** `ssh-ed25519`, `ssh-rsa`, … */
  keyType: string;
}

/** An ssh-agent socket; its keys are tried in the agent's order. */
export interface AgentIdentity {
  kind: 'agent';
  socket: string;
}

/** One way the bot may authenticate, in the order they are tried: key files first, the agent last. */
export type Identity = KeyIdentity | AgentIdentity;

/** Which identity authenticated one connection (never key material): for doctor and the debug log. */
export type AuthUsed =
  | { kind: 'key'; path: string; fingerprint: string; keyType: string }
  | { kind: 'agent'; socket: string; fingerprint: string; keyType: string; comment: string };

/** `key /path ed25519 SHA256:…` or `agent ed25519 SHA256:… (comment)`. */
export function describeAuth(auth: AuthUsed): string {
  const type = auth.keyType.replace(/^ssh-/, '');
  if (auth.kind === 'key') return `key ${auth.path} ${type} ${auth.fingerprint}`;
  return `agent ${type} ${auth.fingerprint}${auth.comment ? ` (${auth.comment})` : ''}`;
}

/** `key /path`, `agent /socket`: what was tried, for an authentication failure. */
export function describeIdentity(identity: Identity): string {
  return identity.kind === 'key' ? `key ${identity.path} (${identity.fingerprint})` : `agent ${identity.socket}`;
}
