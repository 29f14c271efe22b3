import path from 'node:path';
import type { SshdFiles } from './types';

/** `fleetDir/hosts/<name>`: the host's fake root. */
export function hostDirOf(fleetDir: string, name: string): string {
  return path.join(fleetDir, 'hosts', name);
}

/** Name of the sshd directory inside a host directory (kept across {@link Fleet.resetHost}). */
export const SSHD_DIR_NAME = 'sshd';

/** Where one host's sshd files live: `hostDir/sshd/`. */
export function sshdFilesOf(hostDir: string): SshdFiles {
  const dir = path.join(hostDir, SSHD_DIR_NAME);
  return {
    dir,
    configPath: path.join(dir, 'sshd_config'),
    hostKeyPath: path.join(dir, 'ssh_host_ed25519_key'),
    pinnedHostKeyPath: path.join(dir, 'pinned_host_ed25519_key'),
    pidPath: path.join(dir, 'sshd.pid'),
    logPath: path.join(dir, 'sshd.log'),
  };
}

/** Fleet-wide files: the client key pair, authorized_keys, known_hosts. */
export function fleetFilesOf(fleetDir: string): { clientKeyPath: string; authorizedKeysPath: string; knownHostsPath: string } {
  return {
    clientKeyPath: path.join(fleetDir, 'client', 'id_ed25519'),
    authorizedKeysPath: path.join(fleetDir, 'client', 'authorized_keys'),
    knownHostsPath: path.join(fleetDir, 'client', 'known_hosts'),
  };
}
