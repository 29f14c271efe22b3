import type { HostContext } from '../srs/host-context';
import { healthGate, type HealthFailure, type HealthVerdict } from '../srs/health-gate';
import type { UpgradeBaseline } from '../../ports/upgrade-job-port';

export type { HealthFailure };

/** The verdict of the checks after an upgrade's restart. */
export type UpgradeVerdict = HealthVerdict;

/**
 * After the upgrade's restart, the health gate (healthGate): the process lives, the API answers and reports the
 * target version from a new process (another service id than before the upgrade), the new process logged no startup
 * failure, and published streams came back to at least what the host had before, within `healthTimeoutMs`.
 */
export function verifyUpgrade(
  ctx: HostContext,
  target: string,
  baseline: UpgradeBaseline,
  healthTimeoutMs: number,
): Promise<UpgradeVerdict> {
  return healthGate(ctx, baseline, { version: target, newProcess: true, healthTimeoutMs, after: 'the restart' });
}
