import { NAME_PATTERN } from '../../config/schema';
import type { TargetResolution } from './command';
import { targetNames, type InventoryHost } from './inventory-names';
import { ALL_TARGET } from './parse-command';
import { escapeSlackText } from './text/escape-slack-text';
import { inlineCode } from './text/inline-code';
import { suggestName } from './suggest-name';

export { listHosts, type HostListing, type HostRow } from './list-hosts';

/** Unknown names listed (each with its suggestion) in one error; the rest are counted. */
const UNKNOWN_LISTED = 10;

function fail(error: string): TargetResolution {
  return { ok: false, error };
}

/** `edge-30 (did you mean edge-3?)` */
function describeUnknown(name: string, candidates: readonly string[]): string {
  const hint = suggestName(name, candidates);
  return hint === undefined ? escapeSlackText(name) : `${escapeSlackText(name)} (did you mean ${escapeSlackText(hint)}?)`;
}

function unknownError(unknown: readonly string[], hosts: readonly InventoryHost[]): string {
  const candidates = targetNames(hosts);
  const listed = unknown.slice(0, UNKNOWN_LISTED).map((n) => describeUnknown(n, candidates));
  const more = unknown.length > UNKNOWN_LISTED ? `, +${unknown.length - UNKNOWN_LISTED} more` : '';
  const head = unknown.length === 1 ? 'unknown host' : 'unknown hosts';
  return `${head} ${listed.join(', ')}${more}; /srs hosts lists hosts and groups`;
}

/**
 * Resolves a target expression (`edge-3`, `edges`, `edge-1,edges`, `all`) against the inventory: the host
 * names, in inventory order, without duplicates. Each comma-separated name is `all` (every host), a host name,
 * or a group (its members); a name that is both a host and a group means the host. Unknown names are all
 * reported at once, with a suggestion when one is close (`unknown host edge-30 (did you mean edge-3?)`).
 * Errors are Slack-safe mrkdwn.
 */
export function resolveTargets(target: string, hosts: readonly InventoryHost[]): TargetResolution {
  const names = target.trim().split(/\s*,\s*/);
  if (names.some((n) => n === '')) return fail('empty name in the target list (check the commas)');
  const bad = names.find((n) => !NAME_PATTERN.test(n));
  if (bad !== undefined) return fail(`${inlineCode(bad)} is not a host or group name`);
  if (hosts.length === 0) return fail('the inventory has no hosts');

  const hostNames = new Set(hosts.map((h) => h.name));
  const wanted = new Set<string>();
  const unknown: string[] = [];
  for (const name of names) {
    if (name === ALL_TARGET) {
      hosts.forEach((h) => wanted.add(h.name));
    } else if (hostNames.has(name)) {
      wanted.add(name);
    } else {
      const members = hosts.filter((h) => h.groups.includes(name));
      if (members.length > 0) members.forEach((h) => wanted.add(h.name));
      else if (!unknown.includes(name)) unknown.push(name);
    }
  }
  if (unknown.length > 0) return fail(unknownError(unknown, hosts));

  const resolved = [...new Set(hosts.map((h) => h.name).filter((n) => wanted.has(n)))];
  if (resolved.length === 0) return fail(`${inlineCode(target)} matches no hosts`);
  return { ok: true, hosts: resolved };
}
