import { hostTarget } from '../../config/host-target';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../config/load-config';
import type { Config } from '../../config/schema';
import { createLogger } from '../../src/adapters/logger';
import type { HostContext } from '../../src/worker/srs/host-context';
import type { SshHost } from '../../src/adapters/ssh/ssh-host';
import { createSshHost } from '../../src/adapters/ssh/create-ssh-host';
import type { FleetConfigOptions, FleetHost } from './fleet';
import { getTestRun } from './test-run';

/** A config for some fleet hosts plus an SSH adapter that records every command line sent. */
export interface WorkerHarness {
  config: Config;
  ssh: SshHost;
  /** Every command line sent, per config host name. */
  sent: Array<{ host: string; line: string }>;
  ctx: (name: string) => HostContext;
  close: () => Promise<void>;
}

/** Builds a harness over claimed hosts; `rename` maps fleet names to config names. */
export function workerHarness(hosts: readonly FleetHost[], options: FleetConfigOptions = {}): WorkerHarness {
  const fleet = getTestRun().fleet;
  const config = parseConfig(fleet.toConfigObject({ hostNames: hosts.map((h) => h.name), ...options }), 'test fleet');
  const sent: WorkerHarness['sent'] = [];
  const logger = createLogger('test');
  const ssh = createSshHost(config, logger, (host, line) => sent.push({ host, line }));
  const ctx = (name: string): HostContext => {
    const host = config.hosts.find((h) => h.name === name);
    if (!host) throw new Error(`no host ${name} in the harness config`);
    return {
      hostConfig: host,
      target: hostTarget(config, host),
      ssh,
      settings: config.worker,
      commandTimeoutMs: config.ssh.commandTimeoutMs,
      logger,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
  };
  return { config, ssh, sent, ctx, close: () => ssh.close() };
}

/** True when a local pid is alive and not a zombie (the fleet runs on this machine). */
export function pidAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    return !/^State:\s+[ZX]/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
