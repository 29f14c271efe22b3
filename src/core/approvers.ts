import type { ApprovalsConfig, HostConfig } from '../../config/schema';

/** The group name that stands for every host in the approvals config. */
export const EVERY_HOST = 'all';

/** A host as approvals see it: its name and groups. */
export type Host = Pick<HostConfig, 'name' | 'groups'>;

/** The approvals groups of a host: its own and {@link EVERY_HOST}. */
export function groupsOf(host: Host): string[] {
  return [EVERY_HOST, ...host.groups];
}

/** Hosts of the plan that `userId` may not approve (empty: the user is an approver for every host). */
export function hostsNotApprovable(userId: string, hosts: readonly Host[], approvals: Pick<ApprovalsConfig, 'approvers'>): string[] {
  return hosts.filter((h) => !groupsOf(h).some((g) => (approvals.approvers[g] ?? []).includes(userId))).map((h) => h.name);
}
