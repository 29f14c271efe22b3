import { stringify } from 'yaml';
import type { FleetConfigOptions, FleetHost } from './types';

/** What the config needs to know about the fleet as a whole. */
export interface FleetIdentity {
  user: string;
  clientKeyPath: string;
  knownHostsPath: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars in `over` replace. */
export function deepMerge(base: Record<string, unknown>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

function hostEntry(host: FleetHost, name: string): Record<string, unknown> {
  return {
    name,
    address: host.address,
    port: host.sshPort,
    groups: [...(host.spec.groups ?? [])],
    srsRoot: host.root,
    serviceManager: host.spec.serviceManager ?? 'initd',
    api: `127.0.0.1:${host.ports.api}`,
    mediaPorts: [host.ports.rtmp, host.ports.http],
    system: {
      initdLink: host.initdLink,
      rcRoot: host.rcRoot,
      systemdUnitDir: host.systemdUnitDir,
      systemctl: host.systemctl,
    },
  };
}

/** The bot config document (shape of config/schema.ts) for some or all hosts of a fleet. */
export function buildConfigDocument(
  fleet: FleetIdentity,
  hosts: readonly FleetHost[],
  options: FleetConfigOptions = {},
): Record<string, unknown> {
  const wanted = options.hostNames ? new Set(options.hostNames) : undefined;
  if (wanted) {
    const unknown = [...wanted].filter((name) => !hosts.some((host) => host.name === name));
    if (unknown.length > 0) throw new Error(`not hosts of this fleet: ${unknown.join(', ')}`);
  }
  const entries = hosts
    .filter((host) => !wanted || wanted.has(host.name))
    .map((host) => {
      const entry = hostEntry(host, options.rename?.[host.name] ?? host.name);
      const extra = options.hostExtra?.[host.name];
      return extra ? deepMerge(entry, extra) : entry;
    });
  const document: Record<string, unknown> = {
    ssh: {
      user: fleet.user,
      privateKeyPath: fleet.clientKeyPath,
      knownHostsPath: fleet.knownHostsPath,
      connectTimeoutMs: 3000,
      commandTimeoutMs: 20000,
    },
    worker: { concurrency: 50, startSettleMs: 1500 },
    hosts: entries,
  };
  return options.extra ? deepMerge(document, options.extra) : document;
}

/** {@link buildConfigDocument} as YAML text. */
export function buildConfigYaml(fleet: FleetIdentity, hosts: readonly FleetHost[], options: FleetConfigOptions = {}): string {
  return stringify(buildConfigDocument(fleet, hosts, options));
}
