import fs from 'node:fs';
import { installHost, type InstalledHost, type SrsPorts } from './srs-sim';
import { installRealSrs } from './install-real-srs';
import type { HostSpec } from './types';

/** Installs SRS for one host spec on fixed ports (used at launch and on reset): the simulator, or a real build. */
export async function installSrs(hostDir: string, spec: HostSpec, ports: SrsPorts): Promise<InstalledHost> {
  fs.mkdirSync(hostDir, { recursive: true });
  const layout = await installHost({
    hostDir,
    ports,
    serviceManager: spec.serviceManager ?? 'initd',
    ...(spec.version !== undefined && { version: spec.version }),
    ...(spec.graceStartWaitMs !== undefined && { graceStartWaitMs: spec.graceStartWaitMs }),
    ...(spec.graceFinalWaitMs !== undefined && { graceFinalWaitMs: spec.graceFinalWaitMs }),
    ...(spec.forceGraceQuit !== undefined && { forceGraceQuit: spec.forceGraceQuit }),
    ...(spec.exitDelayMs !== undefined && { exitDelayMs: spec.exitDelayMs }),
    ...(spec.bindFailDelayMs !== undefined && { bindFailDelayMs: spec.bindFailDelayMs }),
    ...(spec.restartSec !== undefined && { restartSec: spec.restartSec }),
    ...(spec.rawApi !== undefined && { rawApi: spec.rawApi }),
    ...(spec.asan !== undefined && spec.engine !== 'real' && { asan: spec.asan }),
  });
  return spec.engine === 'real' ? installRealSrs(hostDir, layout, spec) : layout;
}
