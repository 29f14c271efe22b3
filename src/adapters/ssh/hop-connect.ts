import type { Duplex } from 'node:stream';
import { withTimeout } from '../../core/with-timeout';
import type { HopTarget } from '../../ports/host-port';
import { forwardError } from './chain-errors';
import type { Pooled } from './connection-pool';
import type { HandshakeGate } from './handshake-gate';
import { handshake, type Connected, type HandshakeSettings } from './handshake';
import { describeAuth } from './identity';

/**
 * The pool's `connect`: one hop's handshake, admitted by the gate (the connect timeout starts once admitted), made
 * directly or over a `direct-tcpip` channel that the bastion connection `via` opens to the hop's address and port.
 * Logs (debug) which host key and which identity each connection used; never key material.
 */
export function hopConnector(
  settings: HandshakeSettings,
  gate: HandshakeGate,
): (hop: HopTarget, via: Pooled | undefined) => Promise<Connected> {
  return (hop, via) =>
    gate.admit(async () => {
      const sock = via ? await forwardTo(via, hop, settings.connectTimeoutMs) : undefined;
      const connected = await handshake(hop, settings, sock);
      settings.logger.debug(
        {
          host: hop.name,
          address: `${hop.user}@${hop.address}:${hop.port}`,
          ...(via && { via: via.hop.name }),
          hostKey: connected.hostKey,
          auth: connected.auth ? describeAuth(connected.auth) : undefined,
        },
        'ssh connected',
      );
      return connected;
    });
}

/** A `direct-tcpip` channel from the bastion connection `via` to `hop`; a refusal names both. */
export async function forwardTo(via: Pooled, hop: HopTarget, timeoutMs: number): Promise<Duplex> {
  const opening = via.ssh.forwardOut('127.0.0.1', 0, hop.address, hop.port);
  try {
    return await withTimeout(opening, timeoutMs, () =>
      Object.assign(new Error(`no answer from the bastion in ${timeoutMs} ms`), { reason: NaN }),
    );
  } catch (err) {
    // A channel that opens after the timeout is closed at once, not left open on the bastion.
    opening.then(
      (late) => late.destroy(),
      () => undefined,
    );
    throw forwardError(via.hop, hop, err);
  }
}
