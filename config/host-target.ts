import type { HopTarget, HostTarget } from '../src/ports/host-port';
import type { BastionConfig, Config, HostConfig } from './schema';

/**
 * Where SSH reaches a host: its address, its login user (the host's, else its groups', else `ssh.user`; groups are
 * applied when the config is loaded) and the bastions on the way, outermost first.
 */
export function hostTarget(config: { ssh: Pick<Config['ssh'], 'user'>; bastions: readonly BastionConfig[] }, host: HostConfig): HostTarget {
  const jump = (host.jump ?? []).map((name): HopTarget => {
    const b = config.bastions.find((x) => x.name === name);
    // The loader refuses a jump naming no bastion; a config built by hand that does is a programming error.
    if (b === undefined) throw new Error(`host ${host.name}: jump host ${name} is not a bastion`);
    return { name: b.name, address: b.address, port: b.port, user: b.user ?? config.ssh.user };
  });
  return {
    name: host.name,
    address: host.address,
    port: host.port,
    user: host.user ?? config.ssh.user,
    ...(jump.length > 0 && { jump }),
  };
}
