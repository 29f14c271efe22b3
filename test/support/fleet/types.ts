import type { InstalledHost, ServiceManager } from './srs-sim';

/** One host of a test fleet, as the caller describes it. */
export interface HostSpec {
  /** Host name in the bot config (`h01`); also its directory name. */
  name: string;
  /** @defaultValue 'initd' */
  serviceManager?: ServiceManager;
  /** SRS version the simulator reports and behaves as. @defaultValue '6.0.184' */
  version?: string;
  graceStartWaitMs?: number;
  graceFinalWaitMs?: number;
  forceGraceQuit?: boolean;
  exitDelayMs?: number;
  /** Start SRS at launch and after a reset (init.d start, or `systemctl start srs`). @defaultValue true */
  startSrs?: boolean;
  /** Passed to the simulator's installHost (see srs-sim.ts). */
  bindFailDelayMs?: number;
  /** Passed to the simulator's installHost: `RestartSec=` of the unit. */
  restartSec?: number;
  /** Passed to the simulator's installHost: `raw_api` on. */
  rawApi?: boolean;
  /** Groups in the generated bot config. @defaultValue [] */
  groups?: string[];
  /**
   * What runs as SRS: the simulator, or a real SRS build (init.d only: real SRS under systemd needs systemd as PID 1,
   * which this machine does not have). @defaultValue 'sim'
   */
  engine?: 'sim' | 'real';
  /** Real hosts: the built `trunk/` (test/support/real-srs) whose objs/srs and init.d script the host gets. */
  realBuild?: string;
  /** An AddressSanitizer build: real hosts say so of their `realBuild`; simulator hosts behave like one. */
  asan?: boolean;
  /** Real hosts: the versions the host's `srs-install` can install, each with the real binary it installs. */
  realPackages?: Record<string, string>;
}

/** Files of one host's sshd, all under `hostDir/sshd/`. */
export interface SshdFiles {
  dir: string;
  configPath: string;
  /** The current host key (private; `.pub` beside it). */
  hostKeyPath: string;
  /** Copy of the key known_hosts pins, used to undo {@link Fleet.rotateHostKey}. */
  pinnedHostKeyPath: string;
  /** Pid file written by the launcher (and by sshd itself). */
  pidPath: string;
  /** sshd's stderr (`-e`). */
  logPath: string;
}

/** One host as recorded in the manifest (`fleet.json`). */
export interface ManifestHost {
  name: string;
  spec: HostSpec;
  sshPort: number;
  /** `fleetDir/hosts/<name>`: the host's fake root. */
  hostDir: string;
  sshd: SshdFiles;
  srs: InstalledHost;
}

/** Everything needed to operate a fleet from another process: `fleetDir/fleet.json`. */
export interface FleetManifest {
  formatVersion: 1;
  dir: string;
  createdAt: string;
  /** Pid of the process that launched the fleet (owner of the port reservations). */
  launcherPid: number;
  user: string;
  clientKeyPath: string;
  authorizedKeysPath: string;
  knownHostsPath: string;
  hosts: ManifestHost[];
}

/** One host of a running fleet: a snapshot taken when read (pids change when sshd restarts). */
export interface FleetHost extends InstalledHost {
  name: string;
  /** Always `127.0.0.1`. */
  address: string;
  sshPort: number;
  /** Pid of the listening sshd; 0 when it is not running. */
  sshdPid: number;
  hostDir: string;
  sshd: SshdFiles;
  spec: HostSpec;
}

/** Options of {@link Fleet.toConfigYaml}. */
export interface FleetConfigOptions {
  /** Hosts to include, by fleet name. @defaultValue every host */
  hostNames?: readonly string[];
  /** Fleet name -> name in the config. */
  rename?: Readonly<Record<string, string>>;
  /** Deep-merged over the generated document (objects merge, arrays and scalars replace). */
  extra?: Readonly<Record<string, unknown>>;
  /** Per fleet host name, fields merged over that host's entry (`{ h01: { user: 'srs' } }`). */
  hostExtra?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A running fleet of sshd + SRS simulator hosts on 127.0.0.1. */
export interface Fleet {
  readonly dir: string;
  readonly manifestPath: string;
  /** Fresh snapshots of every host. */
  readonly hosts: FleetHost[];
  /** The SSH login user (the current user). */
  readonly user: string;
  readonly clientKeyPath: string;
  readonly knownHostsPath: string;
  /** One host by name; throws for an unknown name. */
  host(name: string): FleetHost;
  /** Kills every sshd and SRS (and service supervisor) process of the fleet. Idempotent. */
  stop(): Promise<void>;
  /** SIGSTOP the host's sshd and its connection processes: TCP connects complete, nothing answers. */
  freezeHost(name: string): Promise<void>;
  /** Undoes {@link freezeHost}. */
  thawHost(name: string): Promise<void>;
  /** Kills the host's sshd and its open connections: connects are refused. */
  stopSshd(name: string): Promise<void>;
  /** Starts the host's sshd again (same port and key); resolves when its banner arrives. */
  startSshd(name: string): Promise<void>;
  /** Gives the host a new host key and restarts its sshd; known_hosts keeps the old key. */
  rotateHostKey(name: string): Promise<void>;
  /**
   * Back to the spec: SRS (and any supervisor) SIGKILLed, the host directory reinstalled (fresh config, pid and
   * log), SRS started if `spec.startSrs`; sshd thawed, its pinned key restored and running.
   */
  resetHost(name: string): Promise<FleetHost>;
  /** Starts SRS the way the host's service manager does (init.d start or `systemctl start srs`). */
  startSrs(name: string): Promise<void>;
  /**
   * SIGKILLs the host's SRS processes: a crash (the pid file stays). A systemd host's supervisor is left alone
   * and restarts SRS (`Restart=always`), as systemd would.
   */
  killSrs(name: string): Promise<void>;
  /** The bot config document (see config/schema.ts) for this fleet. */
  toConfigObject(options?: FleetConfigOptions): Record<string, unknown>;
  /** {@link toConfigObject} as YAML. */
  toConfigYaml(options?: FleetConfigOptions): string;
}
