import type { HostSpec } from './fleet';
import { buildOf, type RealSrsBuild } from './real-srs/real-builds';

/** Short grace waits, so grace tests take seconds rather than minutes. */
const FAST_GRACE = { graceStartWaitMs: 300, graceFinalWaitMs: 300, exitDelayMs: 300 } as const;

function hostName(index: number): string {
  return `h${String(index).padStart(2, '0')}`;
}

/** How many conformance hosts of each kind, per engine (test/integration/conformance claims them). */
export const CONFORMANCE_HOSTS = { '6.0.157': 7, '5.0.216': 4, asan: 1 } as const;

/**
 * The conformance suite's hosts, the same set twice: simulator hosts (`s6-01`, `s5-01`, `sa-01`) and real SRS
 * hosts (`r6-01`, `r5-01`, `ra-01`) of the same versions, with the same config and grace waits. Every real host can
 * install either real build (`srs-install 6.0.157` / `5.0.216`).
 */
export function conformanceHosts(builds: readonly RealSrsBuild[]): HostSpec[] {
  const v6 = buildOf(builds, '6.0.157');
  const v5 = buildOf(builds, '5.0.216');
  const asan = buildOf(builds, '6.0.157', true);
  const realPackages = { '6.0.157': v6.binary, '5.0.216': v5.binary };
  const kinds = [
    { tag: '6', version: '6.0.157', count: CONFORMANCE_HOSTS['6.0.157'], build: v6, asan: false },
    { tag: '5', version: '5.0.216', count: CONFORMANCE_HOSTS['5.0.216'], build: v5, asan: false },
    { tag: 'a', version: '6.0.157', count: CONFORMANCE_HOSTS.asan, build: asan, asan: true },
  ];
  const specs: HostSpec[] = [];
  for (const engine of ['sim', 'real'] as const) {
    for (const kind of kinds) {
      for (let i = 1; i <= kind.count; i++) {
        const spec: HostSpec = {
          name: `${engine === 'sim' ? 's' : 'r'}${kind.tag}-${String(i).padStart(2, '0')}`,
          serviceManager: 'initd',
          version: kind.version,
          groups: ['conformance'],
          engine,
          graceStartWaitMs: 300,
          graceFinalWaitMs: 300,
          exitDelayMs: 300,
        };
        if (kind.asan) spec.asan = true;
        if (engine === 'real') {
          spec.realBuild = kind.build.trunk;
          spec.realPackages = realPackages;
        }
        specs.push(spec);
      }
    }
  }
  return specs;
}

/**
 * The fleet the integration tests share (started by global-setup.ts), all running SRS:
 * h01-h18 init.d 6.0.184 simulator (groups `initd`, `srs6`), h19-h21 systemd 6.0.184 (`systemd`, `srs6`),
 * h22-h24 init.d 5.0.216 (`initd`, `srs5`); then the conformance hosts ({@link conformanceHosts}).
 */
export function integrationFleetHosts(builds: readonly RealSrsBuild[]): HostSpec[] {
  const simHosts = Array.from({ length: 24 }, (_, i): HostSpec => {
    const index = i + 1;
    if (index <= 18)
      return { name: hostName(index), serviceManager: 'initd', version: '6.0.184', groups: ['initd', 'srs6'], ...FAST_GRACE };
    if (index <= 21)
      return { name: hostName(index), serviceManager: 'systemd', version: '6.0.184', groups: ['systemd', 'srs6'], ...FAST_GRACE };
    return { name: hostName(index), serviceManager: 'initd', version: '5.0.216', groups: ['initd', 'srs5'], ...FAST_GRACE };
  });
  return [...simHosts, ...conformanceHosts(builds)];
}
