// Types of install.js (the simulated SRS host installer), for TypeScript callers.
export interface HostPorts {
  rtmp: number;
  http: number;
  api: number;
}
export interface InstallOptions {
  /** absolute host directory; everything of the host lives under it */
  hostDir: string;
  /** default '6.0.184'; major 5 = the 5.0 quit behaviour (no drain) */
  version?: string;
  ports: HostPorts;
  graceStartWaitMs?: number;
  graceFinalWaitMs?: number;
  forceGraceQuit?: boolean;
  /** sim_exit_delay: "srs terminated" to process exit, default 20 (real SRS exits at once) */
  exitDelayMs?: number;
  /** sim_bind_fail_delay: how long a `crash` build lives, default 1200 (bind failures follow real SRS's timing) */
  bindFailDelayMs?: number;
  serviceManager?: 'initd' | 'systemd';
  registerInitd?: boolean;
  installUnit?: boolean;
  /** RestartSec= written into the unit (seconds); the shim defaults to 1 s when absent */
  restartSec?: number;
  /** http_api { raw_api { enabled on; allow_reload on; } }, default false */
  rawApi?: boolean;
  /**
   * An AddressSanitizer build (SRS's configure default on Debian): `objs/srs -t -c FILE` prints its success line,
   * then a LeakSanitizer report on stderr and exits 1, unless ASAN_OPTIONS contains detect_leaks=0. Default false.
   */
  asan?: boolean;
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
export interface BuildOptions {
  broken?: BrokenKind | null;
  asan?: boolean;
}
/** What ROOT/objs/srs is: a simulator build (read from its header) or a real one (asked with `objs/srs -v`). */
export interface InstalledBuild {
  version: string | null;
  broken: string | null;
  asan: boolean;
  simulated: boolean;
}
export function installHost(opts: InstallOptions): InstalledHost;
export function setVersion(root: string, version: string, opts?: BuildOptions): string;
export function readBuild(root: string): InstalledBuild;
export function writeConfig(root: string, overrides?: ConfigOverrides): string;
export function breakConfig(root: string): string;
export function restoreConfig(root: string): string;
/** Version of ROOT/objs/srs, simulated or real (real SRS prints it for `-v` on stdout), or null. */
export function getVersion(root: string): string | null;
/** Version srs-install recorded as replaced, or null when it never replaced one. */
export function getPreviousVersion(root: string): string | null;
/**
 * Make `version` installable by srs-install on the host; returns the repository file. A simulator build (broken when
 * `broken`, AddressSanitizer when `asan`), or with `binary` (absolute path of a real `objs/srs`) that binary, which
 * srs-install copies over ROOT/objs/srs atomically.
 */
export function publishPackage(
  hostDir: string,
  version: string,
  opts?: { broken?: BrokenKind | null; asan?: boolean; binary?: string },
): string;
export function unpublishPackage(hostDir: string, version: string): void;
/** Versions in the host's package repository, ascending. */
export function listPackages(hostDir: string): string[];
