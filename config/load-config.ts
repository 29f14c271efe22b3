import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYamlText } from './parse-yaml';
import { z } from 'zod';
import { ChatopsError, ErrorCode } from '../src/core/errors';
import { readInventory } from './inventory/read-inventory';
import type { InventorySource } from './inventory/inventory-source';
import { applyGroupSettings, checkJumps } from './resolve-hosts';
import { bastionSchema, configSchema, hostSchema, type Config, type ConfigFile } from './schema';

/** Hints that turn a schema complaint into the fix an operator needs. */
function fixFor(path: string, message: string): string {
  if (message.startsWith('Unrecognized key')) return 'remove it or fix its spelling (see config/example.yml)';
  if (/expected .*, received undefined/.test(message) || /Required/.test(message)) return `add \`${path}\``;
  return `set \`${path}\` to a valid value`;
}

/** Formats every problem at once: `path: problem -> fix`. */
export function formatConfigIssues(source: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((i) => {
    const path = i.path.map(String).join('.') || '(top level)';
    return `  - ${path}: ${i.message} -> ${fixFor(path, i.message)}`;
  });
  return `invalid configuration in ${source} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** Checks a parsed config beyond its shape: unique names, no host named like a group or `all`. */
export function crossCheck(config: Config): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const groups = new Set(config.hosts.flatMap((h) => h.groups));
  for (const [i, h] of config.hosts.entries()) {
    if (names.has(h.name)) problems.push(`  - hosts.${i}.name: duplicate host name ${h.name} -> give every host its own name`);
    names.add(h.name);
    if (h.name === 'all' || groups.has(h.name))
      problems.push(`  - hosts.${i}.name: ${h.name} is also a group name (or \`all\`) -> rename the host or the group`);
  }
  return problems;
}

/** A config with its hosts resolved, and where they came from. */
export interface LoadedConfig {
  config: Config;
  source: InventorySource;
}

function refuse(source: string, problems: readonly string[]): never {
  throw new ChatopsError(
    ErrorCode.ConfigInvalid,
    `invalid configuration in ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.join('\n')}`,
  );
}

/** The hosts and bastions as written: under `hosts`, or read from the inventory file (validated as `hosts` entries). */
function hostsOf(file: ConfigFile, source: string, baseDir: string): Pick<Config, 'hosts' | 'bastions'> & { from: InventorySource } {
  if (file.hosts !== undefined && file.inventory !== undefined)
    refuse(source, ['  - hosts: set either `hosts` or `inventory`, not both -> remove one']);
  if (file.hosts !== undefined) return { hosts: file.hosts, bastions: file.bastions, from: { kind: 'config', path: path.resolve(source) } };
  if (file.inventory === undefined)
    refuse(source, ['  - hosts: no hosts -> list them under `hosts`, or name an inventory file under `inventory`']);
  const raw = readInventory(file.inventory, baseDir);
  const where = raw.source.path;
  const hosts = z.array(hostSchema).min(1, 'the inventory has no SRS hosts').safeParse(raw.hosts);
  if (!hosts.success) throw new ChatopsError(ErrorCode.ConfigInvalid, formatConfigIssues(where, hosts.error.issues));
  const bastions = z.array(bastionSchema).safeParse(raw.bastions);
  if (!bastions.success) throw new ChatopsError(ErrorCode.ConfigInvalid, formatConfigIssues(where, bastions.error.issues));
  // Bastions named in the config file win over the inventory's hosts of the same name.
  const named = new Set(file.bastions.map((b) => b.name));
  return { hosts: hosts.data, bastions: [...file.bastions, ...bastions.data.filter((b) => !named.has(b.name))], from: raw.source };
}

/**
 * Validates a config object and resolves its hosts (the inventory file read, relative to `baseDir`; group settings
 * applied); throws a ChatopsError listing every problem with its fix.
 */
export function loadConfigFrom(raw: unknown, source: string, baseDir = path.dirname(source)): LoadedConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ChatopsError(ErrorCode.ConfigInvalid, formatConfigIssues(source, result.error.issues));
  const { hosts: written, bastions, from } = hostsOf(result.data, source, baseDir);
  const { hosts, problems: groupProblems } = applyGroupSettings(written, result.data.groups);
  const config: Config = { ...result.data, bastions, hosts };
  const problems = [...crossCheck(config), ...groupProblems, ...checkJumps(hosts, bastions, result.data.groups)];
  if (problems.length > 0) refuse(from.path === path.resolve(source) ? source : `${source} (hosts from ${from.path})`, problems);
  return { config, source: from };
}

/** {@link loadConfigFrom}, the config alone. */
export function parseConfig(raw: unknown, source: string, baseDir?: string): Config {
  return loadConfigFrom(raw, source, baseDir).config;
}

/** Loads the YAML file named by `SRS_CHATOPS_CONFIG` (default `config/srs-chatops.yml`). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfigWithSource(env).config;
}

/** {@link loadConfig}, with where the hosts came from. */
export function loadConfigWithSource(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const path = env.SRS_CHATOPS_CONFIG ?? 'config/srs-chatops.yml';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `cannot read config file ${path}; set SRS_CHATOPS_CONFIG to your config (example: config/example.yml)`,
    );
  }
  const raw = parseYamlText(text, `config file ${path}`);
  return loadConfigFrom(raw, path);
}
