import type { ServiceChange } from '../../core/verbs';
import type { RemoteCommand } from '../../ports/host-port';
import type { HostContext } from './host-context';
import { privilegedArgv } from './privileged-command';
import { INITD_SCRIPT, scriptArgv } from './remote-scripts';

/** Actions systemd handles (contract section 1); the others go through the init.d script even on systemd hosts. */
const SYSTEMCTL_ACTIONS: ReadonlySet<ServiceChange> = new Set<ServiceChange>(['start', 'stop', 'restart', 'reload']);

/**
 * The remote command for a service action: `systemctl ACTION srs` or the install's init.d script; under
 * `become: sudo`, the helper's `systemctl ACTION` or `service ROOT ACTION` (privileged-command.ts).
 */
export function serviceCommand(ctx: HostContext, action: ServiceChange, timeoutMs: number): RemoteCommand {
  const { hostConfig: host } = ctx;
  if (host.serviceManager === 'systemd' && SYSTEMCTL_ACTIONS.has(action)) {
    return { argv: privilegedArgv(host, [host.system.systemctl, action, 'srs'], 'systemctl', [action]), timeoutMs };
  }
  return {
    argv: privilegedArgv(host, scriptArgv(INITD_SCRIPT, 'srs-initd', [host.srsRoot, action]), 'service', [host.srsRoot, action]),
    timeoutMs,
  };
}
