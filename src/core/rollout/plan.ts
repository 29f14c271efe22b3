import { createHash } from 'node:crypto';
import type { Config, HostConfig } from '../../../config/schema';
import { eligibleApprovers, requiredApprovals } from '../approval-policy';
import { canonicalJson } from '../audit/canonical-json';
import type { RolloutFlags, UpgradeOptions, VerbOptions } from '../command';
import { escapeSlackText } from '../text/escape-slack-text';
import { hostIdentity, identityChanges, identityTuple, NO_PINNED_KEY, type HostIdentity } from './host-identity';
import { resolveTargets } from '../resolve-targets';
import { planTerms } from './plan-terms';
import type { HostSnapshot } from '../verb-result';
import type { JobVerb } from '../verbs';

/** One host of a plan, in run order, with what the survey saw on it. */
export interface PlanHost {
  name: string;
  /** 0-based batch index (gated verbs: everything in batch 0). */
  batch: number;
  /** Version the host runs now (the upgrade's "from"). */
  from?: string;
  /** The machine the name points at (address, port, login user, SRS root, service manager, pinned key): bound. */
  identity?: HostIdentity;
  state: HostSnapshot['state'];
  apiUp: boolean;
  clients?: number;
  publishers?: number;
  streams?: number;
  /** The streams with a publisher at the survey (`app/name`; host text, escape to show). */
  publishedStreams?: string[];
}

/**
 * What an approver approves: the exact hosts, their order and batches, the versions, the options. Plain JSON; the
 * approval is bound to {@link Plan.hash}, so any change voids it.
 */
export interface Plan {
  v: 1;
  /** The request id (also the approval's and the rollout's). */
  id: string;
  verb: JobVerb;
  /** The target expression as typed (normalised). */
  target: string;
  /** Upgrades: the version to install. */
  version?: string;
  hosts: PlanHost[];
  /** Hosts of the target left out of the run, and why (already at the version). */
  skipped: Array<{ name: string; reason: string }>;
  batchSize: number;
  failureBudget: number;
  rollback: boolean;
  /** Verb options of a gated verb (`--graceful`, `--deadline`). */
  options?: VerbOptions;
  /** Upgrades: each host's drain deadline, and whether the quit is forced there (part of what is approved). */
  drain?: { deadlineMs: number; force: boolean };
  /** Upgrades: the install command template the workers run (approved with the plan, not read from their config). */
  install?: string[];
  /** How long a host's health gate may take after its step (streams and publishers back). */
  healthTimeoutMs?: number;
  /** The upgrade flags as typed (re-planning uses them; the resolved values above are what is bound). */
  upgradeOptions?: UpgradeOptions;
  /** A service verb's rollout flags as typed (`--batch`, `--parallel`, `--budget`; re-planning uses them). */
  rolloutFlags?: RolloutFlags;
  /**
   * Who must say yes before it runs: `approval` (another person, approvals.gated or an upgrade), `confirm` (the
   * requester, after the survey: the blast-radius check). Not bound (decided from the plan). @defaultValue approval
   */
  gate?: 'approval' | 'confirm';
  /** `confirm`: why (hosts or viewers over the policy's thresholds). */
  confirmReason?: string;
  requiredApprovals: number;
  /** Who may approve (everyone covering every host, the requester left out). */
  approvers: string[];
  requestedBy: string;
  channelId: string;
  createdAt: number;
  expiresAt: number;
  /** SHA-256 over the binding fields (hosts and their identities, order, batches, versions, options, approvals needed). */
  hash: string;
}

/** What a plan is built from: the command, the survey of each host, the config. */
export interface PlanInput {
  id: string;
  verb: JobVerb;
  target: string;
  version?: string;
  upgradeOptions?: UpgradeOptions;
  verbOptions?: VerbOptions;
  rolloutFlags?: RolloutFlags;
  requestedBy: string;
  channelId: string;
  /** Survey results by host (a host missing here counts as unknown). */
  survey: ReadonlyMap<string, HostSnapshot>;
  /** Each host's pinned key fingerprint(s) in known_hosts, by host name (a host missing here is not pinned). */
  hostKeys: ReadonlyMap<string, string>;
  now: number;
}

/** What a gated request asked for (kept with the request until its survey is in). */
export type PlanSpec = Pick<PlanInput, 'verb' | 'target' | 'version' | 'upgradeOptions' | 'verbOptions' | 'rolloutFlags'> & {
  /** `--dry-run`: the plan, the survey and the commands are shown; nothing runs. */
  dryRun?: boolean;
};

/** What of the config a plan depends on. */
export type PlanConfig = Pick<Config, 'hosts' | 'approvals' | 'upgrade' | 'grace' | 'ssh' | 'rolling'>;

/** Versions as numbers for comparing (`6.0.184` -> [6, 0, 184]). */
function versionParts(v: string): number[] {
  return v.split('.').map((p) => Number(p));
}

/** True when `a` is older than `b`. */
export function isOlder(a: string, b: string): boolean {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

/** The fields an approval is bound to, hashed. */
export function planHash(
  p: Omit<Plan, 'hash' | 'approvers' | 'createdAt' | 'expiresAt' | 'id' | 'requestedBy' | 'channelId' | 'upgradeOptions'>,
): string {
  const binding = {
    verb: p.verb,
    target: p.target,
    version: p.version ?? null,
    hosts: p.hosts.map((h) => [h.name, h.batch, h.from ?? null, h.identity === undefined ? null : identityTuple(h.identity)]),
    skipped: p.skipped.map((s) => s.name),
    batchSize: p.batchSize,
    failureBudget: p.failureBudget,
    rollback: p.rollback,
    drain: p.drain ?? null,
    install: p.install ?? null,
    healthTimeoutMs: p.healthTimeoutMs ?? null,
    options: p.options ?? null,
    requiredApprovals: p.requiredApprovals,
  };
  return createHash('sha256').update(canonicalJson(binding)).digest('hex');
}

function surveyed(name: string, s: HostSnapshot | undefined, batch: number): PlanHost {
  const h: PlanHost = { name, batch, state: s?.state ?? 'unknown', apiUp: s?.apiUp ?? false };
  if (s?.version !== undefined) h.from = s.version;
  if (s?.clients !== undefined) h.clients = s.clients;
  if (s?.publishers !== undefined) h.publishers = s.publishers;
  if (s?.streams !== undefined) h.streams = s.streams;
  if (s?.publishedStreams !== undefined) h.publishedStreams = s.publishedStreams;
  return h;
}

/** Why an upgrade cannot be planned on a host (it must be running, with its API answering), or undefined. */
function notUpgradable(h: PlanHost): string | undefined {
  if (h.state !== 'running') return `${escapeSlackText(h.name)} is ${h.state.replace('_', ' ')}`;
  if (!h.apiUp || h.from === undefined) return `${escapeSlackText(h.name)}: its API does not answer (version unknown)`;
  return undefined;
}

/**
 * Builds the plan: the target resolved against the inventory (in inventory order), hosts already at the version
 * skipped, batches cut, approvals needed and eligible approvers from the policy. An upgrade needs every host running
 * with its API answering (the "from" version is part of what is approved); otherwise the error says which are not.
 */
export function buildPlan(input: PlanInput, config: PlanConfig): { ok: true; plan: Plan } | { ok: false; error: string } {
  const resolved = resolveTargets(input.target, config.hosts);
  if (!resolved.ok) return resolved;
  const byName = new Map(config.hosts.map((h) => [h.name, h]));
  const targetHosts = resolved.hosts.map((n) => byName.get(n)).filter((h): h is HostConfig => h !== undefined);
  const terms = planTerms(input, config, targetHosts);
  if (!terms.ok) return terms;
  const { drain, install, ...run0 } = terms.terms;
  const sorted = sortHosts(input, config, resolved.hosts, byName, run0.batchSize);
  const error = refusalOf(input, sorted);
  if (error !== undefined) return { ok: false, error };
  const { run, skipped } = sorted;
  const planHosts = run.map((h) => byName.get(h.name)).filter((h): h is HostConfig => h !== undefined);
  const body = {
    v: 1 as const,
    verb: input.verb,
    target: input.target,
    ...(input.version !== undefined ? { version: input.version } : {}),
    hosts: run,
    skipped,
    batchSize: run0.batchSize,
    failureBudget: run0.failureBudget,
    rollback: run0.rollback,
    ...(drain !== undefined ? { drain } : {}),
    ...(install !== undefined ? { install } : {}),
    healthTimeoutMs: run0.healthTimeoutMs,
    ...(input.verbOptions !== undefined ? { options: input.verbOptions } : {}),
    requiredApprovals: requiredApprovals(planHosts, config.approvals),
  };
  const plan: Plan = {
    ...body,
    ...(input.upgradeOptions !== undefined ? { upgradeOptions: input.upgradeOptions } : {}),
    ...(input.rolloutFlags !== undefined ? { rolloutFlags: input.rolloutFlags } : {}),
    id: input.id,
    approvers: eligibleApprovers(planHosts, config.approvals, input.requestedBy),
    requestedBy: input.requestedBy,
    channelId: input.channelId,
    createdAt: input.now,
    expiresAt: input.now + config.approvals.expireMs,
    hash: planHash(body),
  };
  return { ok: true, plan };
}

/** The target's hosts sorted for a plan: those to run (in batches), those skipped, those that stop it. */
interface SortedHosts {
  run: PlanHost[];
  skipped: Plan['skipped'];
  /** Why an upgrade cannot be planned on a host. */
  problems: string[];
  /** Hosts with no pinned key (an approval is bound to it). */
  unpinned: string[];
}

/** Each host with its survey and identity: cut into batches, skipped (already at the version) or a problem. */
function sortHosts(
  input: PlanInput,
  config: PlanConfig,
  names: readonly string[],
  byName: ReadonlyMap<string, HostConfig>,
  batchSize: number,
): SortedHosts {
  const out: SortedHosts = { run: [], skipped: [], problems: [], unpinned: [] };
  for (const name of names) {
    const h = surveyed(name, input.survey.get(name), 0);
    const conf = byName.get(name);
    if (conf !== undefined) h.identity = hostIdentity(conf, config.ssh.user, input.hostKeys.get(name));
    if (h.identity?.hostKey === NO_PINNED_KEY) out.unpinned.push(name);
    if (input.verb === 'upgrade') {
      const why = notUpgradable(h);
      if (why !== undefined) {
        out.problems.push(why);
        continue;
      }
      if (h.from === input.version) {
        out.skipped.push({ name, reason: `already runs ${input.version ?? ''}` });
        continue;
      }
    }
    h.batch = Math.floor(out.run.length / batchSize);
    out.run.push(h);
  }
  return out;
}

/** Why no plan can be made (a host with no pinned key, a host not upgradable, nothing to do), or undefined. */
function refusalOf(input: PlanInput, { run, problems, unpinned }: SortedHosts): string | undefined {
  if (unpinned.length > 0) {
    const shown = unpinned.slice(0, 8).map(escapeSlackText).join(', ') + (unpinned.length > 8 ? `, +${unpinned.length - 8} more` : '');
    return `no pinned host key for ${shown} in \`ssh.knownHostsPath\` (or the bot cannot read that file): an approval is bound to each host's pinned key. Pin it with \`srs-chatops doctor --trust-new\` after checking its fingerprint, and give the bot read access to the file`;
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 8).join('; ') + (problems.length > 8 ? `; +${problems.length - 8} more` : '');
    return `cannot plan the upgrade: ${shown}. Every host must be running with its API answering; fix it or leave it out of the target`;
  }
  if (run.length === 0)
    return `nothing to do: every host of ${escapeSlackText(input.target)} already runs ${escapeSlackText(input.version ?? '')}`;
  return undefined;
}

/**
 * What changed since the plan was made, judged from the config now (inventory, groups, defaults, approval
 * policy) with the same survey; undefined when the plan still stands.
 */
export function planDrift(plan: Plan, config: PlanConfig, hostKeys: ReadonlyMap<string, string>): string | undefined {
  const moved = machineDrift(plan, config, hostKeys);
  if (moved !== undefined) return moved;
  const survey = new Map<string, HostSnapshot>();
  for (const h of plan.hosts) survey.set(h.name, snapshotOf(h));
  for (const s of plan.skipped)
    survey.set(s.name, { state: 'running', apiUp: true, ...(plan.version !== undefined ? { version: plan.version } : {}) });
  // A host that joined the target since was never surveyed (maybe not even pinned yet): give it stand-ins so that
  // the drift names it as joined.
  const keys = new Map(hostKeys);
  const current = resolveTargets(plan.target, config.hosts);
  if (current.ok) {
    for (const name of current.hosts) {
      if (survey.has(name)) continue;
      survey.set(name, { state: 'running', apiUp: true, version: 'unsurveyed' });
      if (!keys.has(name)) keys.set(name, 'unsurveyed');
    }
  }
  const again = buildPlan(
    {
      id: plan.id,
      verb: plan.verb,
      target: plan.target,
      ...(plan.version !== undefined ? { version: plan.version } : {}),
      ...(plan.upgradeOptions !== undefined ? { upgradeOptions: plan.upgradeOptions } : {}),
      ...(plan.rolloutFlags !== undefined ? { rolloutFlags: plan.rolloutFlags } : {}),
      ...(plan.options !== undefined ? { verbOptions: plan.options } : {}),
      requestedBy: plan.requestedBy,
      channelId: plan.channelId,
      survey,
      hostKeys: keys,
      now: plan.createdAt,
    },
    config,
  );
  if (!again.ok) return `the plan no longer holds: ${again.error}`;
  if (again.plan.hash === plan.hash) return undefined;
  const was = plan.hosts.map((h) => h.name);
  const now = again.plan.hosts.map((h) => h.name);
  const added = now.filter((n) => !was.includes(n));
  const removed = was.filter((n) => !now.includes(n));
  const parts: string[] = [];
  if (added.length > 0) parts.push(`${added.join(', ')} joined the target`);
  if (removed.length > 0) parts.push(`${removed.join(', ')} left the target`);
  if (parts.length === 0 && was.join(',') !== now.join(',')) parts.push('the host order changed');
  if (again.plan.requiredApprovals !== plan.requiredApprovals)
    parts.push(`approvals needed changed from ${plan.requiredApprovals} to ${again.plan.requiredApprovals}`);
  if (parts.length === 0) parts.push('the batches or options changed');
  return escapeSlackText(parts.join('; '));
}

/**
 * Hosts of the plan gone from the inventory, or pointing at another machine than the plan's (same name): named with
 * what changed. Undefined when every host is still the machine it was.
 */
function machineDrift(plan: Plan, config: PlanConfig, hostKeys: ReadonlyMap<string, string>): string | undefined {
  const byName = new Map(config.hosts.map((h) => [h.name, h]));
  const gone = plan.hosts.filter((h) => !byName.has(h.name)).map((h) => h.name);
  const parts: string[] = [];
  if (gone.length > 0) parts.push(`${gone.join(', ')} ${gone.length === 1 ? 'is' : 'are'} no longer in the inventory`);
  for (const h of plan.hosts) {
    const conf = byName.get(h.name);
    if (conf === undefined) continue;
    const now = hostIdentity(conf, config.ssh.user, hostKeys.get(h.name));
    if (h.identity === undefined) parts.push(`${h.name} was planned before approvals were bound to machines`);
    else {
      const changes = identityChanges(h.identity, now);
      if (changes.length > 0) parts.push(`${h.name} now points at another machine (${changes.join('; ')})`);
    }
  }
  return parts.length === 0 ? undefined : escapeSlackText(parts.join('; '));
}

function snapshotOf(h: PlanHost): HostSnapshot {
  const s: HostSnapshot = { state: h.state, apiUp: h.apiUp };
  if (h.from !== undefined) s.version = h.from;
  return s;
}

/** The batches of a plan, in order. */
export function batchesOf(plan: Pick<Plan, 'hosts'>): string[][] {
  const out: string[][] = [];
  for (const h of plan.hosts) (out[h.batch] ??= []).push(h.name);
  return out;
}
