import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { programVersion, type PeerAvailability } from './peers';

/** A shell command's output (or its error text), bounded to 10 s. */
export function sh(cmd: string): string {
  try {
    return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    return (e.stderr ?? e.message ?? '?').trim();
  }
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverages(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

/** What a bench report says about the machine, the versions and the commit it ran. */
export function describeMachine(peers: PeerAvailability): Record<string, string> {
  return {
    loginUser: `${os.userInfo().username} (shell ${os.userInfo().shell ?? '?'})`,
    commit: sh(
      `cd ${path.resolve(__dirname, '..', '..')} && git -c safe.directory='*' rev-parse --short HEAD && git -c safe.directory='*' status --porcelain --untracked-files=no | wc -l`,
    )
      .split('\n')
      .join(', files changed: '),
    date: new Date().toISOString(),
    nproc: sh('nproc'),
    cpu: sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim(),
    free: sh('free -h'),
    kernel: sh('uname -sr'),
    os: sh('. /etc/os-release && echo "$PRETTY_NAME"'),
    node: process.version,
    openssh: sh('ssh -V 2>&1'),
    redis: sh('redis-server --version'),
    pssh: peers.pssh ? programVersion(peers.pssh, ['--version']) : 'not installed',
    ansible: peers.ansible ? programVersion(peers.ansible, ['--version']) : 'not installed',
  };
}
