import fs from 'node:fs';
import path from 'node:path';
import type { Fleet } from '../../test/support/fleet';
import { runTimed } from './child';
import type { PeerFiles, PeerRun } from './peers';

/** Where the OpenSSH-based peers jump: the bastion's login and port on 127.0.0.1. */
export interface JumpSpec {
  user: string;
  port: number;
}

/** The peers' files for going through the bastion: an ssh_config both hops read, and an inventory that jumps. */
export interface JumpPeerFiles {
  /** `-F` file: key, known_hosts, strict checking, batch mode. */
  sshConfig: string;
  /** `user@127.0.0.1:port` for `-J` / ProxyJump. */
  jump: string;
  /** The direct peer files with `inventory` replaced by one whose hosts jump. */
  peer: PeerFiles;
}

/**
 * OpenSSH passes neither `-i` nor `-o` options to a ProxyJump connection, only `-F`: the key, known_hosts (which pins
 * the bastion and every target, each as `[127.0.0.1]:port`) and strict checking go into an ssh_config that the target
 * and the jump connection both read. No ProxyJump inside it (the jump connection would jump too): `-J` on the command
 * line applies to the target only.
 */
export function writeJumpPeerFiles(
  fleet: Fleet,
  dir: string,
  direct: PeerFiles,
  hostNames: readonly string[],
  via: JumpSpec,
): JumpPeerFiles {
  fs.mkdirSync(dir, { recursive: true });
  const sshConfig = path.join(dir, 'ssh_config');
  fs.writeFileSync(
    sshConfig,
    [
      'Host *',
      `  User ${fleet.user}`,
      `  IdentityFile ${fleet.clientKeyPath}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${fleet.knownHostsPath}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const jump = `${via.user}@127.0.0.1:${via.port}`;
  const inventory = path.join(dir, 'inventory.ini');
  fs.writeFileSync(
    inventory,
    [
      '[fleet]',
      ...hostNames.map((n) => {
        const h = fleet.host(n);
        return `${h.name} ansible_host=127.0.0.1 ansible_port=${h.sshPort} srs_initd=${h.initScript}`;
      }),
      '[fleet:vars]',
      `ansible_user=${fleet.user}`,
      `ansible_ssh_private_key_file=${fleet.clientKeyPath}`,
      `ansible_ssh_common_args='-F ${sshConfig} -o ProxyJump=${jump}'`,
      '',
    ].join('\n'),
  );
  return { sshConfig, jump, peer: { ...direct, inventory } };
}

/** `parallel-ssh -p N -x "-F cfg -J user@127.0.0.1:P"`: one ssh and one jump ssh (its own bastion connection) per host. */
export async function runPsshVia(bin: string, files: JumpPeerFiles, parallel: number): Promise<PeerRun> {
  const args = [
    '-h',
    files.peer.psshHosts,
    '-p',
    String(parallel),
    '-t',
    '60',
    '-x',
    `-F ${files.sshConfig} -J ${files.jump}`,
    files.peer.psshCommand,
  ];
  const r = await runTimed(bin, args, { timeoutMs: 600_000 });
  const ok = (r.stdout.match(/\[SUCCESS\]/g) ?? []).length;
  const failed = (r.stdout.match(/\[FAILURE\]/g) ?? []).length;
  const failures = r.stdout
    .split('\n')
    .filter((l) => l.includes('FAILURE'))
    .slice(0, 3)
    .join(' | ');
  return { ms: r.ms, ok, failed, ...(failed > 0 || ok === 0 ? { note: failures || r.stderr.slice(0, 300) } : {}) };
}
