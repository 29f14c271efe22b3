import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostTarget } from '../../../config/host-target';
import { parseConfig } from '../../../config/load-config';
import type { Config } from '../../../config/schema';
import { createLogger } from '../../../src/adapters/logger';
import type { SshHost } from '../../../src/adapters/ssh/ssh-host';
import { createSshHost } from '../../../src/adapters/ssh/create-ssh-host';
import type { GraceJob } from '../../../src/ports/grace-job-port';
import type { UpgradeJob } from '../../../src/ports/upgrade-job-port';
import type { HostContext } from '../../../src/worker/srs/host-context';
import { launchFleet, type Fleet, type HostSpec } from '../fleet';
import { installHelper, type HelperInstall } from './install-helper';
import { ensureLoginUser } from './login-user';
import { installSudoers, type SudoersDropIn } from './sudoers';

/** The install command of the simulator hosts (hostDir/usr/local/bin/srs-install), as the config names it. */
export const SIM_INSTALL = ['{root}/../bin/srs-install', '{version}', '--root', '{root}'];

/** A fleet whose SSH login is a non-root user with only the narrow sudo rule (docs/privilege.md). */
export interface BecomeFleet {
  fleet: Fleet;
  user: string;
  /** The helper of the init.d hosts (a simulated systemd host has its own: see `config.hosts[].system.helper`). */
  helper: HelperInstall;
  sudoers: SudoersDropIn;
  /** The narrow rule as installed. */
  narrowRule: string;
  config: Config;
  ssh: SshHost;
  /** Every command line sent, per host. */
  sent: Array<{ host: string; line: string }>;
  ctx(name: string, jobs?: { grace?: GraceJob; upgrade?: UpgradeJob }): HostContext;
  stop(): Promise<void>;
}

/** Options of {@link launchBecomeFleet}. */
export interface BecomeFleetOptions {
  /** Unique per test file: the sudoers drop-in and temp dir are named after it. */
  name: string;
  user: string;
  hosts: readonly HostSpec[];
  /** Deep-merged over the generated config (grace settings...). */
  extra?: Record<string, unknown>;
}

/** Opens the path to a file for another user: every directory above it traversable, the file readable. */
function openForOthers(file: string, stopAt: string): void {
  fs.chmodSync(file, fs.statSync(file).mode | 0o044);
  for (let d = path.dirname(file); d.startsWith(stopAt); d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o055);
}

/**
 * Launches sshd + simulator hosts (SRS not started: the tests start it through the helper), all root-owned, whose
 * SSH login is `user`: authorized_keys readable to it, the SRS roots traversable; installs the helper (root-owned 0755)
 * with the roots allowlisted, and a sudoers drop-in with only `user ALL=(root) NOPASSWD: HELPER, INSTALL...`.
 * Needs root; stop() removes the drop-in and the fleet (the user is kept: creating it is idempotent).
 */
export async function launchBecomeFleet(o: BecomeFleetOptions): Promise<BecomeFleet> {
  await ensureLoginUser(o.user);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `become-${o.name}-`));
  fs.chmodSync(dir, 0o755);
  const fleet = await launchFleet({ dir: path.join(dir, 'fleet'), hosts: o.hosts.map((h) => ({ ...h, startSrs: false })) });
  let sudoers: SudoersDropIn | undefined;
  try {
    openForOthers(path.join(fleet.dir, 'client', 'authorized_keys'), dir);
    for (const h of fleet.hosts) openForOthers(path.join(h.root, 'objs', 'srs'), dir);
    const initd = fleet.hosts.filter((h) => (h.spec.serviceManager ?? 'initd') === 'initd');
    const helper = installHelper(
      path.join(dir, 'helper'),
      initd.map((h) => h.root),
    );
    // The helper's systemctl is fixed at install: a simulated systemd host (its own systemctl shim) gets its own helper.
    const helpers = new Map<string, HelperInstall>(initd.map((h) => [h.name, helper]));
    for (const h of fleet.hosts.filter((x) => !helpers.has(x.name)))
      helpers.set(h.name, installHelper(path.join(dir, `helper-${h.name}`), [h.root], { systemctl: h.systemctl }));
    const helperPaths = [...new Set([...helpers.values()].map((x) => x.helper))];
    const installs = fleet.hosts.map((h) => path.join(h.hostDir, 'usr/local/bin/srs-install'));
    const narrowRule = `${o.user} ALL=(root) NOPASSWD: ${[...helperPaths, ...installs].join(', ')}`;
    sudoers = await installSudoers(`srs-chatops-test-${o.name}`, narrowRule);
    const document = fleet.toConfigObject({
      extra: { ssh: { user: o.user }, upgrade: { install: SIM_INSTALL }, ...o.extra },
      hostExtra: Object.fromEntries(fleet.hosts.map((h) => [h.name, { become: 'sudo', system: { helper: helpers.get(h.name)?.helper } }])),
    });
    const config = parseConfig(document, 'become fleet');
    const sent: BecomeFleet['sent'] = [];
    const logger = createLogger('test');
    const ssh = createSshHost(config, logger, (host, line) => sent.push({ host, line }));
    const drop = sudoers;
    const ctx = (name: string, jobs: { grace?: GraceJob; upgrade?: UpgradeJob } = {}): HostContext => {
      const host = config.hosts.find((h) => h.name === name);
      if (!host) throw new Error(`no host ${name} in the become fleet`);
      return {
        hostConfig: host,
        target: hostTarget(config, host),
        ssh,
        settings: config.worker,
        commandTimeoutMs: config.ssh.commandTimeoutMs,
        logger,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        ...(jobs.grace !== undefined && { grace: jobs.grace }),
        ...(jobs.upgrade !== undefined && { upgrade: jobs.upgrade }),
      };
    };
    const stop = async (): Promise<void> => {
      await ssh.close();
      drop.remove();
      await fleet.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    return { fleet, user: o.user, helper, sudoers: drop, narrowRule, config, ssh, sent, ctx, stop };
  } catch (err) {
    sudoers?.remove();
    await fleet.stop();
    throw err;
  }
}
