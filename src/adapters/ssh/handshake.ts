import type { Client } from 'ssh2';
import type { Duplex } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import { ChatopsError, ErrorCode } from '../../core/errors';
import type { HopTarget } from '../../ports/host-port';
import type { Logger } from '../logger';
import { AuthPlan } from './auth-plan';
import { connectError } from './ssh-errors';
import { HostKeyCheck } from './host-key-check';
import type { AuthUsed, Identity } from './identity';
import type { KnownHostsCache } from './known-hosts-cache';

/** What one SSH handshake needs besides the hop. */
export interface HandshakeSettings {
  identities: readonly Identity[];
  knownHosts: KnownHostsCache;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  logger: Logger;
}

/** A connection that came up: the host key known_hosts pinned, and the identity that logged in. */
export interface Connected {
  ssh: NodeSSH;
  /** `SHA256:…` of the hop's host key (verified against known_hosts). */
  hostKey?: string;
  auth?: AuthUsed;
}

/**
 * One SSH handshake with `hop` (over `sock`, a forwarded channel of the previous hop, when given): the host key
 * verified against known_hosts for the hop's configured address and port (see {@link HostKeyCheck}), the identities
 * tried in order ({@link AuthPlan}). On failure nothing of it stays open, and the rejection is a ChatopsError that
 * tells the operator what to do.
 */
export async function handshake(hop: HopTarget, settings: HandshakeSettings, sock?: Duplex): Promise<Connected> {
  const check = new HostKeyCheck(settings.knownHosts.entries(), hop.address, hop.port);
  const plan = new AuthPlan(settings.identities, hop.user);
  const ssh = new NodeSSH();
  let client: Client | undefined;
  try {
    const connecting = ssh.connect({
      ...(sock ? { sock } : { host: hop.address, port: hop.port }),
      username: hop.user,
      authHandler: plan.handler,
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      hostVerifier: check.verify,
    });
    // node-ssh sets `connection` synchronously, before the handshake; it forgets it again on 'close'.
    client = ssh.connection ?? undefined;
    await connecting;
  } catch (err) {
    // node-ssh's dispose() ends only a client it still holds; destroy ours outright, so that a handshake that
    // completes after the failure (a late answer to a timed-out attempt) cannot leave a connection open.
    ssh.dispose();
    destroyClient(client);
    sock?.destroy();
    const error = withTried(connectError(hop.name, err, check.refusal(), check.presented), plan);
    settings.logger.warn({ host: hop.name, code: error.code, err: err instanceof Error ? err.message : String(err) }, 'ssh connect failed');
    throw error;
  }
  // Small requests (channel opens, a command line, an HTTP GET) must not wait for a delayed ACK (Nagle).
  if (!sock) ssh.connection?.setNoDelay(true);
  const auth = plan.used();
  return { ssh, ...(check.presented !== undefined && { hostKey: check.presented }), ...(auth && { auth }) };
}

/** An authentication failure says which identities were tried (paths, sockets and fingerprints, no key material). */
function withTried(error: ChatopsError, plan: AuthPlan): ChatopsError {
  if (error.code !== ErrorCode.SshAuthFailed) return error;
  return new ChatopsError(error.code, `${error.userMessage} Tried: ${plan.tried() || 'nothing'}.`, { cause: error.cause });
}

/** Ends a client and its socket, whatever state the handshake is in. */
function destroyClient(client: Client | undefined): void {
  if (!client) return;
  client.on('error', () => undefined); // errors of a client being thrown away are of no interest
  try {
    client.destroy();
  } catch {
    // already gone
  }
}
