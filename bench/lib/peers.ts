import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findProgram } from '../../test/support/ensure-packages';
import { mapLimit } from '../../test/support/map-limit';
import type { Fleet } from '../../test/support/fleet';
import type { FloorResult, FloorSpec } from '../ssh2-floor';
import { runTimed } from './child';

/** One timed run of a peer tool over the fleet. */
export interface PeerRun {
  ms: number;
  /** Busy CPU time of the whole machine during the run (all cores), ms. */
  cpuMs?: number;
  /** CPU time of other users' processes during the run (a shared machine), ms. */
  foreignCpuMs?: number;
  ok: number;
  failed: number;
  /** For the ssh2 floor: the whole process (node start-up included); `ms` is measured inside the script. */
  processMs?: number;
  note?: string;
}

export interface PeerAvailability {
  pssh: string | undefined;
  ansible: string | undefined;
  notes: string[];
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Finds parallel-ssh and ansible; as root, installs missing ones with apt (pssh, ansible-core). */
export function ensurePeers(install: boolean): PeerAvailability {
  const notes: string[] = [];
  const find = (): { pssh: string | undefined; ansible: string | undefined } => ({
    pssh: findProgram('parallel-ssh'),
    ansible: findProgram('ansible'),
  });
  let found = find();
  const missing = [found.pssh ? undefined : 'pssh', found.ansible ? undefined : 'ansible-core'].filter((p): p is string => p !== undefined);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (missing.length > 0 && install && isRoot) {
    try {
      execFileSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`], {
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: 600_000,
      });
    } catch (err) {
      notes.push(`apt-get install ${missing.join(' ')} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    found = find();
  }
  if (!found.pssh) notes.push(`parallel-ssh is not installed: peer skipped (install: apt-get install -y pssh${isRoot ? '' : ', as root'})`);
  if (!found.ansible)
    notes.push(`ansible is not installed: peer skipped (install: apt-get install -y ansible-core${isRoot ? '' : ', as root'})`);
  return { pssh: found.pssh, ansible: found.ansible, notes };
}

export function programVersion(file: string, args: readonly string[]): string {
  try {
    return (
      execFileSync(file, args, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] })
        .split('\n')[0]
        ?.trim() ?? '?'
    );
  } catch (err) {
    const e = err as { stderr?: Buffer | string };
    return (
      String(e.stderr ?? '?')
        .split('\n')[0]
        ?.trim() ?? '?'
    );
  }
}

/** Files the peers need for one fleet: pssh hosts file + port->root map, ansible inventory, floor spec. */
export interface PeerFiles {
  psshHosts: string;
  psshCommand: string;
  inventory: string;
  floorSpec: string;
}

/**
 * Every host is the same machine, each with its own SRS root: pssh runs one command line everywhere, so the command
 * finds the host's init.d script from the sshd port it came in on (SSH_CONNECTION) in a port -> root map. Ansible
 * gets the path as a host variable; the ssh2 floor knows it per host.
 */
export function writePeerFiles(fleet: Fleet, dir: string, hostNames: readonly string[]): PeerFiles {
  fs.mkdirSync(dir, { recursive: true });
  const hosts = hostNames.map((n) => fleet.host(n));
  const psshHosts = path.join(dir, 'pssh-hosts');
  fs.writeFileSync(psshHosts, hosts.map((h) => `127.0.0.1:${h.sshPort}`).join('\n') + '\n');
  const map = path.join(dir, 'port-roots');
  fs.writeFileSync(map, hosts.map((h) => `${h.sshPort} ${h.initScript}`).join('\n') + '\n');
  const psshCommand = `p=\${SSH_CONNECTION##* }; s=$(sed -n "s/^$p //p" ${map}); exec "$s" status`;
  const inventory = path.join(dir, 'inventory.ini');
  fs.writeFileSync(
    inventory,
    [
      '[fleet]',
      ...hosts.map((h) => `${h.name} ansible_host=127.0.0.1 ansible_port=${h.sshPort} srs_initd=${h.initScript}`),
      '[fleet:vars]',
      `ansible_user=${fleet.user}`,
      `ansible_ssh_private_key_file=${fleet.clientKeyPath}`,
      `ansible_ssh_common_args='-o UserKnownHostsFile=${fleet.knownHostsPath} -o StrictHostKeyChecking=yes'`,
      '',
    ].join('\n'),
  );
  const floorSpec = path.join(dir, 'floor.json');
  const spec: FloorSpec = {
    user: fleet.user,
    privateKeyPath: fleet.clientKeyPath,
    knownHostsPath: fleet.knownHostsPath,
    connectTimeoutMs: 10_000,
    hosts: hosts.map((h) => ({ name: h.name, port: h.sshPort, initScript: h.initScript })),
  };
  fs.writeFileSync(floorSpec, JSON.stringify(spec));
  return { psshHosts, psshCommand, inventory, floorSpec };
}

export async function runPssh(bin: string, fleet: Fleet, files: PeerFiles, parallel: number): Promise<PeerRun> {
  const args = [
    '-h',
    files.psshHosts,
    '-l',
    fleet.user,
    '-p',
    String(parallel),
    '-t',
    '60',
    '-O',
    'StrictHostKeyChecking=yes',
    '-O',
    `UserKnownHostsFile=${fleet.knownHostsPath}`,
    '-O',
    'BatchMode=yes',
    '-x',
    `-i ${fleet.clientKeyPath}`,
    files.psshCommand,
  ];
  const r = await runTimed(bin, args, { timeoutMs: 300_000 });
  const ok = (r.stdout.match(/\[SUCCESS\]/g) ?? []).length;
  const failed = (r.stdout.match(/\[FAILURE\]/g) ?? []).length;
  return {
    ms: r.ms,
    ok,
    failed,
    ...(failed > 0 || ok === 0
      ? {
          note:
            r.stdout
              .split('\n')
              .filter((l) => l.includes('FAILURE'))
              .slice(0, 3)
              .join(' | ') || r.stderr.slice(0, 300),
        }
      : {}),
  };
}

/** `ansible -f N -m raw` with ControlPersist (ansible's default) in `controlDir`; run twice in one dir for a warm run. */
export async function runAnsible(bin: string, files: PeerFiles, parallel: number, controlDir: string, homeDir: string): Promise<PeerRun> {
  fs.mkdirSync(controlDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_HOME: homeDir,
    ANSIBLE_LOCAL_TEMP: path.join(homeDir, 'tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
    // `-m raw` asks for a pty (ssh -tt); an sshd that runs unprivileged cannot hand one out, so there it goes without.
    ...(isRoot() ? {} : { ANSIBLE_SSH_USETTY: 'False' }),
  };
  const r = await runTimed(bin, ['all', '-i', files.inventory, '-f', String(parallel), '-m', 'raw', '-a', '{{ srs_initd }} status'], {
    env,
    timeoutMs: 600_000,
  });
  const ok = (r.stdout.match(/ \| (CHANGED|SUCCESS) \| rc=0/g) ?? []).length;
  const failed = (r.stdout.match(/ \| (FAILED|UNREACHABLE)/g) ?? []).length;
  return { ms: r.ms, ok, failed, ...(failed > 0 || ok === 0 ? { note: (r.stdout + r.stderr).slice(0, 400) } : {}) };
}

/** Ends the ControlPersist masters ansible left in `controlDir` (`ssh -O exit` on each socket). */
export async function closeAnsibleMasters(controlDir: string): Promise<void> {
  let sockets: string[] = [];
  try {
    sockets = fs.readdirSync(controlDir).map((f) => path.join(controlDir, f));
  } catch {
    return;
  }
  await mapLimit(sockets, 16, async (sock) => {
    await runTimed('ssh', ['-O', 'exit', '-o', `ControlPath=${sock}`, 'bench-control-master'], { timeoutMs: 5000 });
  });
  fs.rmSync(controlDir, { recursive: true, force: true });
}

export async function runFloor(files: PeerFiles): Promise<PeerRun> {
  const r = await runTimed(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'ssh2-floor.ts'), files.floorSpec], {
    timeoutMs: 120_000,
  });
  try {
    const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as FloorResult;
    return {
      ms: res.ms,
      ok: res.ok,
      failed: res.failed.length,
      processMs: r.ms,
      ...(res.failed.length > 0 ? { note: JSON.stringify(res.failed.slice(0, 3)) } : {}),
    };
  } catch {
    return { ms: Number.NaN, ok: 0, failed: -1, processMs: r.ms, note: `floor script failed: ${r.stderr.slice(0, 300)}` };
  }
}

/** Time of one remote `true` on a pooled connection (see ssh2-floor.ts --exec-cost), ms per try. */
export async function measureExecCost(files: PeerFiles): Promise<number[]> {
  const r = await runTimed(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, '..', 'ssh2-floor.ts'), files.floorSpec, '--exec-cost'],
    { timeoutMs: 60_000 },
  );
  try {
    return (JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { execMs: number[] }).execMs;
  } catch {
    return [];
  }
}
