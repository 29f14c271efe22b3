import fs from 'node:fs';
import { installHost, type InstalledHost, type SrsPorts } from './srs-sim';
import type { HostSpec } from './types';

/** Installs the simulator for one host spec on fixed ports (used at launch and on reset). */
export function installSrs(hostDir: string, spec: HostSpec, ports: SrsPorts): Promise<InstalledHost> {
  fs.mkdirSync(hostDir, { recursive: true });
  return installHost({
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
  });
}
