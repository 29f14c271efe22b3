import { runCommand } from './run-command';
import type { Fleet, FleetHost } from './fleet';

/** How a `ssh` client run ended. */
export interface SshClientResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * Runs `command` on a fleet host with the system OpenSSH client, strictly: the fleet's known_hosts only
 * (`StrictHostKeyChecking=yes`), the fleet's key, no prompts (`BatchMode=yes`). `options` are extra `-o` values.
 */
export async function runSsh(
  fleet: Fleet,
  host: FleetHost,
  command: string,
  options: readonly string[] = [],
  timeoutMs = 30_000,
): Promise<SshClientResult> {
  const args = [
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${fleet.knownHostsPath}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'LogLevel=ERROR',
    ...options.flatMap((option) => ['-o', option]),
    '-i',
    fleet.clientKeyPath,
    '-p',
    String(host.sshPort),
    `${fleet.user}@${host.address}`,
    command,
  ];
  const started = Date.now();
  const result = await runCommand('ssh', args, { timeoutMs });
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, durationMs: Date.now() - started };
}
