import type { HopTarget, HostTarget } from '../../ports/host-port';

/** Every SSH hop to a target, outermost first: its bastions, then the target itself. */
export function hopsOf(target: HostTarget): HopTarget[] {
  const self: HopTarget = { name: target.name, address: target.address, port: target.port, user: target.user };
  return [...(target.jump ?? []), self];
}

/** `user@address:port` of one hop. */
export function hopAddress(hop: HopTarget): string {
  return `${hop.user}@${hop.address}:${hop.port}`;
}

/**
 * The pool key of the connection to `hops[index]`: the chain that reaches it (`u@b1:22>u@b2:22>srs@10.0.3.2:22`), so
 * a bastion reached the same way is one connection whichever target is behind it, and the same address reached
 * another way is another connection.
 */
export function chainKey(hops: readonly HopTarget[], index: number): string {
  return hops
    .slice(0, index + 1)
    .map(hopAddress)
    .join('>');
}

/** The `ssh -J` command that reaches the target the same way (for an operator checking the path by hand). */
export function sshJumpCommand(target: HostTarget): string {
  const jump = (target.jump ?? []).map(hopAddress).join(',');
  return ['ssh', ...(jump ? ['-J', jump] : []), '-p', String(target.port), `${target.user}@${target.address}`, 'true'].join(' ');
}
