import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NAME_PATTERN } from '../../../config/schema';
import { allocatePorts } from '../free-port';
import { mapLimit } from '../map-limit';
import { FleetHandle } from './fleet-handle';
import { fleetFilesOf, hostDirOf, sshdFilesOf } from './host-layout';
import { installSrs } from './install-srs';
import { renderKnownHosts } from './known-hosts';
import { manifestPath, writeManifest } from './manifest';
import { provisionSshd, writeSshdConfig } from './provision-sshd';
import { generateKeyPair } from './ssh-keys';
import { spawnSshd, testSshdConfig } from './sshd-process';
import { startSrsService } from './srs-service';
import type { Fleet, FleetManifest, HostSpec, ManifestHost } from './types';

/** Options of {@link launchFleet}. */
export interface LaunchFleetOptions {
  /** Fleet directory (created; must not hold a fleet already). Every file and pid file of the fleet lives here. */
  dir: string;
  hosts: readonly HostSpec[];
  /** sshd processes started at once. @defaultValue 20 */
  sshdConcurrency?: number;
  /** SRS services started at once. @defaultValue 8 */
  srsConcurrency?: number;
}

/** Directives newer OpenSSH versions know that help a test fleet (connection penalties would refuse bursts). */
const OPTIONAL_DIRECTIVES = ['PerSourcePenalties no'];

function checkSpecs(hosts: readonly HostSpec[]): void {
  if (hosts.length === 0) throw new Error('a fleet needs at least one host');
  const seen = new Set<string>();
  for (const { name } of hosts) {
    if (!NAME_PATTERN.test(name)) throw new Error(`host name "${name}" is not valid in the bot config`);
    if (seen.has(name)) throw new Error(`host name "${name}" appears twice`);
    seen.add(name);
  }
}

async function supportedDirectives(configPath: string): Promise<string[]> {
  const problem = await testSshdConfig(configPath);
  if (problem) throw new Error(`sshd rejects the generated config ${configPath}: ${problem}`);
  const supported: string[] = [];
  for (const directive of OPTIONAL_DIRECTIVES) {
    if ((await testSshdConfig(configPath, [directive.replace(' ', '=')])) === '') supported.push(directive);
  }
  return supported;
}

/**
 * Launches a fleet of test hosts on 127.0.0.1: per host a real OpenSSH sshd (own port, own host key) and an SRS
 * simulator (own ports, under `dir/hosts/<name>`), one client key pair, a known_hosts pinning every host, and
 * `dir/fleet.json` for {@link attachFleet}. On failure, whatever was started is stopped again.
 */
export async function launchFleet(options: LaunchFleetOptions): Promise<Fleet> {
  checkSpecs(options.hosts);
  const dir = path.resolve(options.dir);
  if (fs.existsSync(manifestPath(dir))) throw new Error(`${dir} already holds a fleet (fleet.json): stop it first`);
  fs.mkdirSync(path.join(dir, 'client'), { recursive: true, mode: 0o700 });
  const files = fleetFilesOf(dir);
  const ports = await allocatePorts(options.hosts.length * 4);
  const clientKey = await generateKeyPair(files.clientKeyPath, 'srs-chatops-test-client');
  fs.writeFileSync(files.authorizedKeysPath, `${clientKey}\n`, { mode: 0o600 });

  const hosts: ManifestHost[] = options.hosts.map((spec, i) => {
    const hostDir = hostDirOf(dir, spec.name);
    const [ssh, rtmp, http, api] = ports.slice(i * 4, i * 4 + 4) as [number, number, number, number];
    const srs = { ports: { rtmp, http, api } } as ManifestHost['srs']; // completed by the install below
    return { name: spec.name, spec: { ...spec }, sshPort: ssh, hostDir, sshd: sshdFilesOf(hostDir), srs };
  });
  const provisionInput = (host: ManifestHost, extraDirectives?: readonly string[]) => ({
    name: host.name,
    port: host.sshPort,
    files: host.sshd,
    authorizedKeysPath: files.authorizedKeysPath,
    ...(extraDirectives && { extraDirectives }),
  });

  const first = hosts[0] as ManifestHost;
  const firstKey = await provisionSshd(provisionInput(first));
  const extraDirectives = await supportedDirectives(first.sshd.configPath);
  writeSshdConfig(provisionInput(first, extraDirectives));
  const otherKeys = await mapLimit(hosts.slice(1), 16, (host) => provisionSshd(provisionInput(host, extraDirectives)));
  const publicKeys = [firstKey, ...otherKeys];
  fs.writeFileSync(
    files.knownHostsPath,
    renderKnownHosts(hosts.map((host, i) => ({ address: '127.0.0.1', port: host.sshPort, publicKey: publicKeys[i] as string }))),
  );
  for (const host of hosts) host.srs = await installSrs(host.hostDir, host.spec, host.srs.ports);

  const manifest: FleetManifest = {
    formatVersion: 1,
    dir,
    createdAt: new Date().toISOString(),
    launcherPid: process.pid,
    user: os.userInfo().username,
    ...files,
    hosts,
  };
  writeManifest(manifest);
  const fleet = new FleetHandle(manifest);
  try {
    const starting = hosts.filter((host) => host.spec.startSrs !== false);
    const logDir = fleet.logDir;
    // Independent: sshds and SRS services start side by side.
    const results = await Promise.allSettled([
      mapLimit(hosts, options.sshdConcurrency ?? 20, (host) => spawnSshd(host.sshd, host.sshPort)),
      mapLimit(starting, options.srsConcurrency ?? 8, (host) => startSrsService(host, logDir)),
    ]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  } catch (err) {
    await fleet.stop().catch(() => undefined);
    throw err;
  }
  return fleet;
}
