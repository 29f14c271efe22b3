// Types of install.js (the simulated SRS host installer), for TypeScript callers.
export interface HostPorts { rtmp: number; http: number; api: number }
export interface InstallOptions {
  /** absolute host directory; everything of the host lives under it */
  hostDir: string;
  /** default '6.0.184'; major 5 = the 5.0 quit behaviour (no drain) */
  version?: string;
  ports: HostPorts;
  graceStartWaitMs?: number;
  graceFinalWaitMs?: number;
  forceGraceQuit?: boolean;
  /** sim_exit_delay: "srs terminated" to process exit, default 2000 */
  exitDelayMs?: number;
  /** sim_bind_fail_delay: bind failure to process exit, default 1200 */
  bindFailDelayMs?: number;
  serviceManager?: 'initd' | 'systemd';
  registerInitd?: boolean;
  installUnit?: boolean;
  /** RestartSec= written into the unit (seconds); the shim defaults to 1 s when absent */
  restartSec?: number;
  /** http_api { raw_api { enabled on; allow_reload on; } }, default false */
  rawApi?: boolean;
}
export interface InstalledHost {
  root: string;
  binary: string;
  config: string;
  initScript: string;
  initdLink: string;
  rcRoot: string;
  systemdUnitDir: string;
  systemctl: string;
  pidFile: string;
  logFile: string;
  ports: HostPorts;
  /** hostDir/usr/local/bin/srs-install: `srs-install <version> [--root ROOT]` (see srs-install.js) */
  installCommand: string;
  /** hostDir/var/lib/srs-packages: one file per available version (empty, or `broken=<kind>`) */
  packagesDir: string;
  /** ROOT/objs/srs.previous-version: the version srs-install last replaced */
  previousVersionFile: string;
}
export interface ConfigOverrides {
  pid?: string;
  srs_log_file?: string;
  daemon?: boolean;
  listen?: number | string;
  http_api?: number | false;
  http_server?: number | false;
  grace_start_wait?: number;
  grace_final_wait?: number;
  force_grace_quit?: boolean;
  sim_exit_delay?: number;
  sim_bind_fail_delay?: number;
  raw_api?: boolean;
  /** raw text appended to the config */
  extra?: string;
}
export type BrokenKind = 'no-start' | 'no-streams' | 'crash';
export function installHost(opts: InstallOptions): InstalledHost;
export function setVersion(root: string, version: string, opts?: { broken?: BrokenKind }): string;
export function writeConfig(root: string, overrides?: ConfigOverrides): string;
export function breakConfig(root: string): string;
export function restoreConfig(root: string): string;
export function getVersion(root: string): string | null;
/** Version srs-install recorded as replaced, or null when it never replaced one. */
export function getPreviousVersion(root: string): string | null;
/** Make `version` installable by srs-install on the host (a broken build when `broken`); returns the file. */
export function publishPackage(hostDir: string, version: string, opts?: { broken?: BrokenKind | null }): string;
export function unpublishPackage(hostDir: string, version: string): void;
/** Versions in the host's package repository, ascending. */
export function listPackages(hostDir: string): string[];
