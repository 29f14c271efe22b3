import type { HostConfig } from '../../config/schema';
import { groupNames, listNames } from './inventory-names';
import { escapeSlackText } from './text/escape-slack-text';
import { inlineCode } from './text/inline-code';
import { suggestName } from './suggest-name';

/** What `/srs hosts` shows of a host. */
export type ListedHost = Pick<HostConfig, 'name' | 'address' | 'port' | 'groups' | 'serviceManager'>;

/** One row of `/srs hosts`. */
export interface HostRow {
  name: string;
  address: string;
  port: number;
  groups: string[];
  serviceManager: 'initd' | 'systemd';
}

/** The rows of `/srs hosts [group]` in inventory order, or why the group does not resolve (Slack-safe). */
export type HostListing = { ok: true; group?: string; rows: HostRow[] } | { ok: false; error: string };

/** Groups named in an error, at most. */
const GROUPS_LISTED = 20;

function row(h: ListedHost): HostRow {
  return { name: h.name, address: h.address, port: h.port, groups: [...h.groups], serviceManager: h.serviceManager };
}

/**
 * The data of `/srs hosts`: every host, or the members of `group`. An unknown group (or a host name given as
 * a group) is an error naming the known groups, with a suggestion when one is close.
 */
export function listHosts(hosts: readonly ListedHost[], group?: string): HostListing {
  if (group === undefined) return { ok: true, rows: hosts.map(row) };
  const members = hosts.filter((h) => h.groups.includes(group));
  if (members.length > 0) return { ok: true, group, rows: members.map(row) };

  const groups = groupNames(hosts);
  const known = groups.length === 0 ? 'no groups are configured' : `groups: ${escapeSlackText(listNames(groups, GROUPS_LISTED))}`;
  if (hosts.some((h) => h.name === group)) return { ok: false, error: `${inlineCode(group)} is a host, not a group; ${known}` };
  const hint = suggestName(group, groups);
  const mean = hint === undefined ? '' : ` (did you mean ${escapeSlackText(hint)}?)`;
  return { ok: false, error: `unknown group ${inlineCode(group)}${mean}; ${known}` };
}
