import path from 'node:path';

/**
 * Typed wrapper around the SRS simulator's installer, `test/srs-sim/install.js` (plain CommonJS, written
 * separately). The module is loaded lazily, on the first install, so that importing the fleet code does not
 * need the simulator.
 */

/** How SRS runs as a service on a host. */
export type ServiceManager = 'initd' | 'systemd';

/** The three listening ports of one SRS. */
export interface SrsPorts {
  rtmp: number;
  http: number;
  api: number;
}

/** Arguments of `installHost`. */
export interface InstallHostOptions {
  /** The host's fake root: SRS goes to `hostDir/usr/local/srs`, the init.d link to `hostDir/etc/init.d/srs`. */
  hostDir: string;
  /** @defaultValue '6.0.184' */
  version?: string;
  ports: SrsPorts;
  /** @defaultValue 2300 */
  graceStartWaitMs?: number;
  /** @defaultValue 3200 */
  graceFinalWaitMs?: number;
  /** @defaultValue false */
  forceGraceQuit?: boolean;
  /** How long after `srs terminated` the process takes to go away. @defaultValue 2000 */
  exitDelayMs?: number;
  /** @defaultValue 'initd' */
  serviceManager?: ServiceManager;
  /** Register the init.d script in the rc directories (as `update-rc.d` would). @defaultValue true */
  registerInitd?: boolean;
  /** Copy `srs.service` to the systemd unit directory. @defaultValue true */
  installUnit?: boolean;
  /** How long after start a port bind failure kills SRS. @defaultValue 1200 */
  bindFailDelayMs?: number;
  /** `RestartSec=` (seconds) written into the unit; absent: the simulator's default. */
  restartSec?: number;
  /** Enable `raw_api` (reload-fetch). @defaultValue false */
  rawApi?: boolean;
}

/** What `installHost` returns: absolute paths of everything installed. */
export interface InstalledHost {
  /** `hostDir/usr/local/srs` */
  root: string;
  /** `root/objs/srs` */
  binary: string;
  /** `root/conf/srs.conf` */
  config: string;
  /** `root/etc/init.d/srs` */
  initScript: string;
  /** `hostDir/etc/init.d/srs` */
  initdLink: string;
  /** `hostDir/etc` (rcN.d links) */
  rcRoot: string;
  /** `hostDir/usr/lib/systemd/system` */
  systemdUnitDir: string;
  /** `hostDir/usr/bin/systemctl` (a shim driving the unit) */
  systemctl: string;
  pidFile: string;
  logFile: string;
  ports: SrsPorts;
}

interface SimulatorModule {
  installHost(options: InstallHostOptions): InstalledHost | Promise<InstalledHost>;
}

/** Absolute path of the simulator's installer module. */
export const SIMULATOR_INSTALLER = path.resolve(__dirname, '..', '..', 'srs-sim', 'install.js');

const PATH_FIELDS = [
  'root', 'binary', 'config', 'initScript', 'initdLink', 'rcRoot', 'systemdUnitDir', 'systemctl', 'pidFile', 'logFile',
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
