import type { HopTarget } from '../../ports/host-port';
import type { AuthUsed } from './identity';

/** How one hop of a target's path was reached: its host key (pinned by known_hosts) and the identity that logged in. */
export interface HopReport {
  hop: HopTarget;
  /** `SHA256:…` of the host key, verified against known_hosts for the hop's configured address and port. */
  hostKey?: string;
  auth?: AuthUsed;
}
