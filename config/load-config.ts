import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { ChatopsError, ErrorCode } from '../src/core/errors';
import { configSchema, type Config } from './schema';

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

/** Validates a config object; throws a ChatopsError listing every problem with its fix. */
export function parseConfig(raw: unknown, source: string): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ChatopsError(ErrorCode.ConfigInvalid, formatConfigIssues(source, result.error.issues));
  const problems = crossCheck(result.data);
  if (problems.length > 0) {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `invalid configuration in ${source} (${problems.length} problems):\n${problems.join('\n')}`,
    );
  }
  return result.data;
}

/** Loads the YAML file named by `SRS_CHATOPS_CONFIG` (default `config/srs-chatops.yml`). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
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
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `config file ${path} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return parseConfig(raw, path);
}
