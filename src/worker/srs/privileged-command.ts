import type { HostConfig } from '../../../config/schema';
import { ChatopsError, ErrorCode } from '../../core/errors';
import type { ExecResult } from '../../ports/host-port';

/**
 * The one place that decides how a command needing root is sent (docs/privilege.md). `become: none` (the default): the
 * unprivileged argv as it always was, run by a login that owns SRS. `become: sudo`: the host's root-owned helper
 * (`hosts[].system.helper`) through `sudo -n`, with one of its fixed subcommands; the upgrade's install command through
 * `sudo -n --`. Nothing else ever runs under sudo.
 */

/** The helper's subcommands the worker uses. */
export type HelperSubcommand = 'service' | 'systemctl' | 'signal' | 'grace-env' | 'config-test' | 'check';

/** True when the host's privileged commands go through sudo and the helper. */
export function usesSudo(host: Pick<HostConfig, 'become'>): boolean {
  return host.become === 'sudo';
}

/** `sudo -n HELPER SUBCOMMAND ARGS...` for the host. */
export function helperArgv(host: Pick<HostConfig, 'system'>, sub: HelperSubcommand, args: readonly string[]): string[] {
  return ['sudo', '-n', host.system.helper, sub, ...args];
}

/** The argv of a privileged action: `unprivileged` under `become: none`, else the helper's subcommand through sudo. */
export function privilegedArgv(
  host: Pick<HostConfig, 'become' | 'system'>,
  unprivileged: readonly string[],
  sub: HelperSubcommand,
  args: readonly string[],
): string[] {
  return usesSudo(host) ? helperArgv(host, sub, args) : [...unprivileged];
}

/** The upgrade's install command: as configured, or `sudo -n -- ARGV` under `become: sudo`. */
export function installCommandArgv(host: Pick<HostConfig, 'become'>, argv: readonly string[]): string[] {
  return usesSudo(host) ? ['sudo', '-n', '--', ...argv] : [...argv];
}

/** What sudo prints when it will not run the command (`-n`: it never prompts). */
const SUDO_REFUSALS: ReadonlyArray<[RegExp, string]> = [
  [/sudo: a (terminal|password) is required/, 'sudo wants a password (the rule is missing or lacks NOPASSWD)'],
  [/is not allowed to (run|execute)|may not run sudo/, 'the sudoers rule does not allow this command'],
  [/sudo: .*command not found|sudo: not found|sudo: command not found/, 'sudo or the helper is not installed'],
];

/** The helper's refusals that mean the host is set up wrong (the others, like `gone`, are answers about SRS). */
const SETUP_REFUSALS = /^refused=(not_root|roots_file|root_not_allowed|root_insecure|systemctl_insecure|usage|bad_\w+)$/m;

/**
 * Why a privileged command did not run, as a sentence naming the host and the fix; undefined when it ran (whatever
 * its exit code). Only `become: sudo` commands can be refused this way.
 */
export function sudoRefusal(host: Pick<HostConfig, 'name' | 'become' | 'system'>, exec: ExecResult): string | undefined {
  if (!usesSudo(host) || exec.code === 0 || exec.code === null) return undefined;
  const text = `${exec.stderr}\n${exec.stdout}`;
  const doctor = 'run `srs-chatops doctor` on the bot host for the exact sudoers snippet';
  for (const [pattern, why] of SUDO_REFUSALS) {
    if (pattern.test(text)) return `sudo refused on ${host.name}: ${why} (helper ${host.system.helper}); ${doctor}`;
  }
  const setup = SETUP_REFUSALS.exec(exec.stdout);
  if (setup !== undefined && setup !== null) {
    const said = exec.stderr.split('\n').find((l) => l.startsWith('srs-chatops-helper:')) ?? setup[0];
    return `the helper on ${host.name} refused (${setup[1] ?? '?'}): ${said.slice(0, 300)}; ${doctor}`;
  }
  return undefined;
}

/** Throws a clear `forbidden` error when sudo or the helper refused the command (see {@link sudoRefusal}). */
export function assertPrivilegeGranted(host: Pick<HostConfig, 'name' | 'become' | 'system'>, exec: ExecResult): void {
  const refusal = sudoRefusal(host, exec);
  if (refusal !== undefined) throw new ChatopsError(ErrorCode.Forbidden, refusal);
}
