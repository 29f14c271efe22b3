import { hostIdentity, identityChanges, type HostIdentity } from '../../core/rollout/host-identity';
import type { HostContext } from '../srs/host-context';

/**
 * How this worker's inventory entry for the host differs from the machine a plan bound the name to (address, port,
 * login user, SRS root, service manager): `port 22 -> 2202`... Undefined when the plan bound none, or it is the same.
 */
export function machineChanges(ctx: HostContext, identity: HostIdentity | undefined): string | undefined {
  if (identity === undefined) return undefined;
  const changes = identityChanges(identity, hostIdentity(ctx.hostConfig, ctx.target.user, identity.hostKey), false);
  return changes.length === 0 ? undefined : changes.join('; ');
}
