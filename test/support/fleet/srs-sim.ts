import path from 'node:path';

/**
 * Typed wrapper around the SRS simulator's installer, `test/srs-sim/install.js` (plain CommonJS, written
 * separately). The module is loaded lazily, on the first install, so that importing the fleet code does not
 * need the simulator.
 */

import type { HostPorts, InstalledHost, InstallOptions } from '../../srs-sim/install';

// The installer's types are declared once, beside it (test/srs-sim/install.d.ts).
export type { InstalledHost } from '../../srs-sim/install';
/** The three listening ports of one SRS. */
export type SrsPorts = HostPorts;
/** Arguments of `installHost`. */
export type InstallHostOptions = InstallOptions;
/** How SRS runs as a service on a host. */
export type ServiceManager = NonNullable<InstallOptions['serviceManager']>;

interface SimulatorModule {
  installHost(options: InstallHostOptions): InstalledHost | Promise<InstalledHost>;
}

/** Absolute path of the simulator's installer module. */
export const SIMULATOR_INSTALLER = path.resolve(__dirname, '..', '..', 'srs-sim', 'install.js');

const PATH_FIELDS = [
  'root',
  'binary',
  'config',
  'initScript',
  'initdLink',
  'rcRoot',
  'systemdUnitDir',
  'systemctl',
  'pidFile',
  'logFile',
] as const;

function loadSimulator(): SimulatorModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(SIMULATOR_INSTALLER) as Partial<SimulatorModule>;
  if (typeof loaded.installHost !== 'function') {
    throw new Error(`${SIMULATOR_INSTALLER} does not export installHost()`);
  }
  return loaded as SimulatorModule;
}

function checkInstalled(result: InstalledHost, hostDir: string): InstalledHost {
  for (const field of PATH_FIELDS) {
    const value: unknown = result[field];
    if (typeof value !== 'string' || !path.isAbsolute(value)) {
      throw new Error(`installHost(${hostDir}) returned no absolute path for "${field}" (got ${String(value)})`);
    }
  }
  return result;
}

/** Installs one simulated SRS host (see `test/srs-sim/install.js`). */
export async function installHost(options: InstallHostOptions): Promise<InstalledHost> {
  const result = await loadSimulator().installHost(options);
  return checkInstalled(result, options.hostDir);
}
