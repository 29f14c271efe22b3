import fs from 'node:fs';
import path from 'node:path';
import { releasePorts } from '../free-port';
import { mapLimit } from '../map-limit';
import { readProcessInfo } from '../process-table';
import { waitUntil } from '../wait-until';
import { buildConfigDocument, buildConfigYaml } from './config-document';
import { killHostProcesses, killHostProcessesOnce } from './host-processes';
import { manifestPath } from './manifest';
import { generateKeyPair } from './ssh-keys';
import { killSshd, runningSshdPid, signalSshdTree, spawnSshd } from './sshd-process';
import { startSrsService } from './srs-service';
import { resetHostState } from './reset-host';
import type { Fleet, FleetConfigOptions, FleetHost, FleetManifest, ManifestHost } from './types';

/** The {@link Fleet} API over a manifest; any process can hold one (state lives in pid files, not in memory). */
export class FleetHandle implements Fleet {
  readonly dir: string;
  readonly manifestPath: string;
  readonly user: string;
  readonly clientKeyPath: string;
  readonly knownHostsPath: string;
  private readonly byName: Map<string, ManifestHost>;

  constructor(private readonly manifest: FleetManifest) {
    this.dir = manifest.dir;
    this.manifestPath = manifestPath(manifest.dir);
    this.user = manifest.user;
    this.clientKeyPath = manifest.clientKeyPath;
    this.knownHostsPath = manifest.knownHostsPath;
    this.byName = new Map(manifest.hosts.map((host) => [host.name, host]));
  }

  get hosts(): FleetHost[] {
    return this.manifest.hosts.map((host) => this.snapshot(host));
  }

  host(name: string): FleetHost {
    return this.snapshot(this.entry(name));
  }

  /** Directory for launcher output files (`<name>.start.out`). */
  get logDir(): string {
    const dir = path.join(this.dir, 'logs');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  async stop(): Promise<void> {
    await mapLimit(this.manifest.hosts, 20, (host) => killSshd(host.sshd, true));
    // One scan for all hosts: every process mentioning or running in `fleetDir/hosts/...`.
    await killHostProcesses({ hostDir: path.join(this.dir, 'hosts') });
    if (this.manifest.launcherPid === process.pid) {
      releasePorts(this.manifest.hosts.flatMap((h) => [h.sshPort, h.srs.ports.rtmp, h.srs.ports.http, h.srs.ports.api]));
    }
  }

  async freezeHost(name: string): Promise<void> {
    const pid = this.requireSshd(name);
    signalSshdTree(pid, 'SIGSTOP');
    await waitUntil(() => readProcessInfo(pid)?.state === 'T', { timeoutMs: 2000, description: `${name}: sshd to stop` });
  }

  async thawHost(name: string): Promise<void> {
    const pid = this.requireSshd(name);
    signalSshdTree(pid, 'SIGCONT');
    await waitUntil(() => readProcessInfo(pid)?.state !== 'T', { timeoutMs: 2000, description: `${name}: sshd to resume` });
  }

  async stopSshd(name: string): Promise<void> {
    await killSshd(this.entry(name).sshd, true);
  }

  async startSshd(name: string): Promise<void> {
    const host = this.entry(name);
    if (runningSshdPid(host.sshd) !== 0) return;
    await spawnSshd(host.sshd, host.sshPort);
  }

  async rotateHostKey(name: string): Promise<void> {
    const host = this.entry(name);
    await generateKeyPair(host.sshd.hostKeyPath, `srs-chatops-test-${name}-rotated`);
    await killSshd(host.sshd, false);
    await spawnSshd(host.sshd, host.sshPort);
  }

  async resetHost(name: string): Promise<FleetHost> {
    await resetHostState(this.entry(name), this.logDir);
    return this.host(name);
  }

  async startSrs(name: string): Promise<void> {
    await startSrsService(this.entry(name), this.logDir);
  }

  async killSrs(name: string): Promise<void> {
    const host = this.entry(name);
    await killHostProcessesOnce({
      hostDir: host.hostDir,
      cmdlineIncludes: `${host.srs.root}/objs/srs`,
      sparedSshdPid: runningSshdPid(host.sshd),
    });
  }

  toConfigObject(options: FleetConfigOptions = {}): Record<string, unknown> {
    return buildConfigDocument(this, this.hosts, options);
  }

  toConfigYaml(options: FleetConfigOptions = {}): string {
    return buildConfigYaml(this, this.hosts, options);
  }

  private entry(name: string): ManifestHost {
    const host = this.byName.get(name);
    if (!host) throw new Error(`no host "${name}" in fleet ${this.dir}`);
    return host;
  }

  private requireSshd(name: string): number {
    const pid = runningSshdPid(this.entry(name).sshd);
    if (pid === 0) throw new Error(`${name}: sshd is not running`);
    return pid;
  }

  private snapshot(host: ManifestHost): FleetHost {
    return {
      ...host.srs,
      name: host.name,
      address: '127.0.0.1',
      sshPort: host.sshPort,
      sshdPid: runningSshdPid(host.sshd),
      hostDir: host.hostDir,
      sshd: host.sshd,
      spec: host.spec,
    };
  }
}
