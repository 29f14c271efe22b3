import type { HostSpec } from './fleet';

/** Short grace waits, so grace tests take seconds rather than minutes. */
const FAST_GRACE = { graceStartWaitMs: 300, graceFinalWaitMs: 300, exitDelayMs: 300 } as const;

function hostName(index: number): string {
  return `h${String(index).padStart(2, '0')}`;
}

/**
 * The fleet the integration tests share (started by global-setup.ts): 24 hosts, all running SRS.
 * h01-h18 init.d 6.0.184 (groups `initd`, `srs6`), h19-h21 systemd 6.0.184 (`systemd`, `srs6`),
 * h22-h24 init.d 5.0.216 (`initd`, `srs5`).
 */
export function integrationFleetHosts(): HostSpec[] {
  return Array.from({ length: 24 }, (_, i): HostSpec => {
    const index = i + 1;
    if (index <= 18) return { name: hostName(index), serviceManager: 'initd', version: '6.0.184', groups: ['initd', 'srs6'], ...FAST_GRACE };
    if (index <= 21) return { name: hostName(index), serviceManager: 'systemd', version: '6.0.184', groups: ['systemd', 'srs6'], ...FAST_GRACE };
    return { name: hostName(index), serviceManager: 'initd', version: '5.0.216', groups: ['initd', 'srs5'], ...FAST_GRACE };
  });
}
