import fs from 'node:fs';
import os from 'node:os';
import { stringify } from 'yaml';
import { parseConfig } from '../../../config/load-config';
import { CHANNEL, USER } from '../bot-client';
import { swapName } from './recording';

/** A host entry of the bot config (config/schema.ts), as the fleet launcher writes it. */
export type HostEntry = Record<string, unknown> & { name: string; port: number };

/** The recorded host's entry for a stand-in host: its name in every path, and its own SSH port. */
export function standinEntry(recorded: HostEntry, recordedName: string, name: string, port: number): HostEntry {
  const swapped = JSON.parse(swapName(JSON.stringify(recorded), recordedName, name)) as HostEntry;
  return { ...swapped, name, port };
}

/**
 * The bench's bot/worker config: the product's defaults (config/schema.ts) with only the SSH login, key, known_hosts,
 * hosts, `worker.concurrency` and the Slack channel and role set, and the pool's idle timeout raised from 60 s to
 * 10 min: a cold 1,000-host run and its delivery can take over a minute on a busy machine, and the warm run must
 * find the connections still pooled.
 */
export function writeBenchConfig(
  file: string,
  o: { hosts: readonly HostEntry[]; privateKeyPath: string; knownHostsPath: string; concurrency: number },
): void {
  const doc = {
    ssh: { user: os.userInfo().username, privateKeyPath: o.privateKeyPath, knownHostsPath: o.knownHostsPath, idleTimeoutMs: 600_000 },
    worker: { concurrency: o.concurrency },
    slack: { allowedChannels: [CHANNEL], roles: { admin: [], operator: [USER], viewer: [] } },
    hosts: o.hosts,
  };
  parseConfig(doc, file);
  fs.writeFileSync(file, stringify(doc));
}
