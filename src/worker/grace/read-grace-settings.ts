import { SRS_GRACE_DEFAULTS, type GraceSettings } from '../../core/grace/grace-progress';
import type { HostContext } from '../srs/host-context';
import { GRACE_SETTINGS_SCRIPT, scriptArgv } from '../srs/remote-scripts';
import { assertPrivilegeGranted, helperArgv, usesSudo } from '../srs/privileged-command';

/** Parses the settings script's output: config directives, overridden by the process's SRS_* environment. */
export function parseGraceSettings(stdout: string): GraceSettings {
  const v = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) v.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const num = (...candidates: Array<string | undefined>) => {
    for (const c of candidates) if (c !== undefined && /^\d+$/.test(c)) return Number(c);
    return undefined;
  };
  const bool = (...candidates: Array<string | undefined>) => {
    for (const c of candidates) if (c === 'on' || c === 'off') return c === 'on';
    return undefined;
  };
  return {
    startWaitMs: num(v.get('env_SRS_GRACE_START_WAIT'), v.get('conf_start_wait')) ?? SRS_GRACE_DEFAULTS.startWaitMs,
    finalWaitMs: num(v.get('env_SRS_GRACE_FINAL_WAIT'), v.get('conf_final_wait')) ?? SRS_GRACE_DEFAULTS.finalWaitMs,
    forceGraceQuit: bool(v.get('env_SRS_FORCE_GRACE_QUIT'), v.get('conf_force')) ?? SRS_GRACE_DEFAULTS.forceGraceQuit,
  };
}

/**
 * Reads the host's grace_start_wait, grace_final_wait and force_grace_quit (config, then the process's env). Under
 * `become: sudo` the environment of a root SRS is unreadable to the login: the helper's `grace-env` reads it, for the
 * pid it verified is this root's SRS.
 */
export async function readGraceSettings(ctx: HostContext, pid: number | undefined): Promise<GraceSettings> {
  const { hostConfig: host } = ctx;
  const sudo = usesSudo(host);
  const res = await ctx.ssh.exec(ctx.target, {
    argv: scriptArgv(GRACE_SETTINGS_SCRIPT, 'srs-grace-settings', [
      host.srsRoot,
      host.srsConfig,
      pid === undefined || sudo ? '' : String(pid),
    ]),
    timeoutMs: 10000,
  });
  if (!sudo || pid === undefined) return parseGraceSettings(res.stdout);
  const env = await ctx.ssh.exec(ctx.target, { argv: helperArgv(host, 'grace-env', [host.srsRoot, String(pid)]), timeoutMs: 10000 });
  assertPrivilegeGranted(host, env);
  const lines = env.stdout.split('\n').filter((l) => l.startsWith('env_SRS_'));
  return parseGraceSettings([res.stdout, ...lines].join('\n'));
}
