import { hostTarget } from '../../../config/host-target';
import { loadConfigWithSource, type LoadedConfig } from '../../../config/load-config';
import { describeSource } from '../../../config/inventory/inventory-source';
import type { Config, HostConfig } from '../../../config/schema';
import { createSshHost } from '../../adapters/ssh/create-ssh-host';
import { DOCTOR_SCRIPT, scriptArgv } from '../../worker/srs/remote-scripts';
import { createLogger } from '../../adapters/logger';
import { asChatopsError } from '../../core/errors';
import { fetchHostKey } from '../../adapters/ssh/fetch-host-key';
import { SshHost } from '../../adapters/ssh/ssh-host';
import { checkReach } from './check-reach';
import { plural } from '../../core/text/plural';
import { checkSudo } from './check-sudo';
import { usesSudo } from '../../worker/srs/privileged-command';
import { DOCTOR_USAGE, parseDoctorArgs } from '../args/doctor-args';
import { assessLayout } from './assess-layout';
import { trustNewHosts, type FetchHostKey } from './trust-new-hosts';
import { checkKnownHosts } from './check-known-hosts';
import { formatFindings, type Finding } from './finding';
import { checkRedis } from './check-redis';
import { checkSentinel } from './check-sentinel';
import { checkSlack } from './check-slack';

async function checkHost(ssh: SshHost, config: Config, host: HostConfig): Promise<Finding[]> {
  const target = hostTarget(config, host);
  const path = await checkReach(ssh, target);
  if (!path.ok) return [path];
  try {
    const s = host.system;
    const res = await ssh.exec(target, {
      argv: scriptArgv(DOCTOR_SCRIPT, 'srs-doctor', [
        host.srsRoot,
        host.srsConfig,
        s.initdLink,
        s.rcRoot,
        s.systemdUnitDir,
        s.systemctl,
        host.serviceManager,
        ...(usesSudo(host) ? [s.helper] : []),
      ]),
      timeoutMs: 20000,
    });
    return [path, ...(await checkSudo(ssh, config, host)), ...assessLayout(host, res.stdout)];
  } catch (err) {
    const e = asChatopsError(err);
    return [path, { host: host.name, check: 'srs root', ok: false, detail: e.code, fix: e.userMessage }];
  }
}

/** The SSH adapter doctor checks with, or the finding that says why there is none (no usable key, agent or file). */
function sshForDoctor(config: Config, env: NodeJS.ProcessEnv): SshHost | Finding {
  try {
    return createSshHost(config, createLogger('doctor', { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'silent' }), undefined, env);
  } catch (err) {
    return { host: '-', check: 'ssh key', ok: false, detail: 'unusable', fix: asChatopsError(err).userMessage };
  }
}

/** Host keys for `--trust-new`: through the SSH adapter (bastions), or directly when it has no identity to log in with. */
function keyFetcher(ssh: SshHost | Finding, timeoutMs: number): FetchHostKey {
  if (ssh instanceof SshHost) return (t) => ssh.offeredHostKey(t);
  return (t) =>
    t.jump && t.jump.length > 0
      ? Promise.reject(new Error(`${t.name} is behind a bastion, and doctor has no SSH identity to log in to it (${ssh.fix ?? ''})`))
      : fetchHostKey(t.address, t.port, timeoutMs);
}

/**
 * `srs-chatops doctor [--trust-new]`: checks config, Slack (token, scopes), Redis (persistence, eviction) and every
 * host; prints the fix for each problem on `out`. A config it cannot load is an error, on `err`. Throws a UsageError
 * on an unknown option (main prints the usage).
 */
export async function runDoctor(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const parsed = parseDoctorArgs(args);
  if (parsed.help) {
    out.write(DOCTOR_USAGE);
    return 0;
  }
  let loaded: LoadedConfig;
  try {
    loaded = loadConfigWithSource(env);
  } catch (e) {
    err.write(`srs-chatops doctor: ${asChatopsError(e).userMessage}\n`);
    return 1;
  }
  const { config } = loaded;
  const findings: Finding[] = [
    { host: '-', check: 'config', ok: true, detail: `${plural(config.hosts.length, 'host')} from ${describeSource(loaded.source)}` },
  ];
  const ssh = sshForDoctor(config, env);
  if (parsed.trustNew) findings.push(...(await trustNewHosts(config, out, keyFetcher(ssh, config.ssh.connectTimeoutMs))));
  findings.push(...checkKnownHosts(config));
  findings.push(...(await checkSlack(env)));
  findings.push(...(await checkRedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379')));
  findings.push(...(await checkSentinel(env.REDIS_URL ?? 'redis://127.0.0.1:6379')));
  if (ssh instanceof SshHost) {
    const results = await Promise.all(config.hosts.map((h) => checkHost(ssh, config, h)));
    findings.push(...results.flat());
    await ssh.close();
  } else {
    findings.push(ssh);
  }
  out.write(formatFindings(findings));
  const problems = findings.filter((f) => !f.ok && f.warnOnly !== true).length;
  out.write(
    problems === 0
      ? 'doctor: everything checked is fine\n'
      : `doctor: ${problems} problem${problems === 1 ? '' : 's'}; apply the fixes above\n`,
  );
  return problems === 0 ? 0 : 1;
}
