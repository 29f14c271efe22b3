import fs from 'node:fs';
import path from 'node:path';
import { SSHD_DIR_NAME } from './host-layout';
import { killHostProcesses } from './host-processes';
import { installSrs } from './install-srs';
import { hostKeyIsPinned } from './provision-sshd';
import { copyKeyPair } from './ssh-keys';
import { killSshd, runningSshdPid, signalSshdTree, spawnSshd } from './sshd-process';
import { startSrsService } from './srs-service';
import type { ManifestHost } from './types';

/** Brings a host's sshd back to normal: thawed, pinned host key, running. */
export async function restoreSshd(host: ManifestHost): Promise<void> {
  const pid = runningSshdPid(host.sshd);
  if (pid !== 0) signalSshdTree(pid, 'SIGCONT');
  if (!hostKeyIsPinned(host.sshd)) {
    copyKeyPair(host.sshd.pinnedHostKeyPath, host.sshd.hostKeyPath);
    await killSshd(host.sshd, true);
  }
  if (runningSshdPid(host.sshd) === 0) await spawnSshd(host.sshd, host.sshPort);
}

/**
 * Puts a host back to its spec: sshd restored; every SRS, supervisor and script process of the host SIGKILLed;
 * the host directory emptied (except sshd's) and the simulator reinstalled on the same ports (fresh config, no
 * pid file, empty log); SRS started when `spec.startSrs` is not false.
 */
export async function resetHostState(host: ManifestHost, logDir: string): Promise<void> {
  await restoreSshd(host);
  await killHostProcesses({ hostDir: host.hostDir });
  for (const entry of fs.readdirSync(host.hostDir)) {
    if (entry !== SSHD_DIR_NAME) fs.rmSync(path.join(host.hostDir, entry), { recursive: true, force: true });
  }
  const installed = await installSrs(host.hostDir, host.spec, host.srs.ports);
  if (installed.root !== host.srs.root || installed.pidFile !== host.srs.pidFile) {
    throw new Error(`${host.name}: reinstall moved the SRS files (${installed.root}); the manifest no longer matches`);
  }
  if (host.spec.startSrs !== false) await startSrsService(host, logDir);
}
