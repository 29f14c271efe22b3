import type { Client } from 'ssh2';
import { NodeSSH } from 'node-ssh';
import type { HostTarget } from '../../ports/host-port';
import type { Logger } from '../logger';
import { connectError } from './ssh-errors';
import { HostKeyCheck } from './host-key-check';
import type { KnownHostsCache } from './known-hosts-cache';

/** What one SSH handshake needs besides the target. */
export interface HandshakeSettings {
  privateKey: string;
  knownHosts: KnownHostsCache;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  logger: Logger;
}

/**
 * One SSH handshake, the host key verified against known_hosts (see {@link HostKeyCheck}); on failure nothing of it
 * stays open, and the rejection is a ChatopsError that tells the operator what to do.
 */
export async function handshake(target: HostTarget, settings: HandshakeSettings): Promise<NodeSSH> {
  const check = new HostKeyCheck(settings.knownHosts.entries(), target.address, target.port);
  const ssh = new NodeSSH();
  let client: Client | undefined;
  try {
    const connecting = ssh.connect({
      host: target.address,
      port: target.port,
      username: target.user,
      privateKey: settings.privateKey,
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
    const error = connectError(target.name, err, check.refusal(), check.presented);
    settings.logger.warn(
      { host: target.name, code: error.code, err: err instanceof Error ? err.message : String(err) },
      'ssh connect failed',
    );
    throw error;
  }
  // Small requests (channel opens, a command line, an HTTP GET) must not wait for a delayed ACK (Nagle).
  ssh.connection?.setNoDelay(true);
  return ssh;
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
