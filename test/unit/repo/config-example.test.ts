import path from 'node:path';
import { loadConfig } from '../../../config/load-config';
import type { Config } from '../../../config/schema';
import { needsApproval } from '../../../src/core/approval-policy';
import { parseCommand } from '../../../src/core/parse-command';
import { authorize } from '../../../src/core/policy';
import { resolveTargets } from '../../../src/core/resolve-targets';
import { buildPlan } from '../../../src/core/rollout/plan';
import type { HostSnapshot } from '../../../src/core/verb-result';

/**
 * config/example.yml is what a newcomer copies: it must load with the real loader, and an upgrade planned from it
 * must reach the approval card (not "nobody can approve it"), with the same pure functions the bot uses
 * (parse, authorize, resolve, needsApproval, buildPlan; presentPlan refuses a plan with fewer eligible approvers
 * than it requires).
 */
const example = path.join(__dirname, '..', '..', '..', 'config', 'example.yml');

function load(): Config {
  return loadConfig({ SRS_CHATOPS_CONFIG: example });
}

/** What the survey would see on each host: running the old version, API up, some clients. */
function survey(config: Config, version: string): Map<string, HostSnapshot> {
  return new Map(
    config.hosts.map((h): [string, HostSnapshot] => [
      h.name,
      { state: 'running', apiUp: true, version, serviceId: `svc-${h.name}`, clients: 3, publishers: 1, streams: 1 },
    ]),
  );
}

function pinned(config: Config): Map<string, string> {
  return new Map(config.hosts.map((h): [string, string] => [h.name, `SHA256:example-key-of-${h.name}`]));
}

/** The bot's path from a typed command to a plan: parse, authorize, resolve, plan. */
function planFromExample(config: Config, text: string, userId: string) {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const command = parsed.command;
  if (command.kind !== 'upgrade') throw new Error(`not an upgrade: ${text}`);
  const channelId = config.slack.allowedChannels[0] ?? 'C0123456789';
  const decision = authorize({ userId, channelId }, command, config.slack);
  if (!decision.allowed) throw new Error(decision.reason);
  const resolved = resolveTargets(command.target, config.hosts);
  if (!resolved.ok) throw new Error(resolved.error);
  const hosts = config.hosts.filter((h) => resolved.hosts.includes(h.name));
  expect(needsApproval('upgrade', hosts, config.approvals)).toBe(true);
  return buildPlan(
    {
      id: 'r-example',
      verb: 'upgrade',
      target: command.target,
      version: command.version,
      upgradeOptions: command.options,
      requestedBy: userId,
      channelId,
      survey: survey(config, '6.0.157'),
      hostKeys: pinned(config),
      now: Date.UTC(2026, 11, 7),
    },
    config,
  );
}

describe('config/example.yml', () => {
  it('loads with the real loader, every section present', () => {
    const config = load();
    expect(config.hosts.map((h) => h.name)).toEqual(['edge-1', 'origin-1']);
    expect(Object.keys(config.approvals.approvers).length).toBeGreaterThan(0);
    expect(config.upgrade.install).toEqual(expect.arrayContaining(['{version}', '{root}']));
    expect(config.grace.deadlineMs).toBe(600000);
    expect(config.slack.roles.operator.length).toBeGreaterThan(0);
  });

  it.each(['upgrade prod 6.0.185', 'upgrade edges 6.0.185 --batch 1 --rollback', 'upgrade all 6.0.185'])(
    'an operator plans `%s` from it: not refused, with approvers',
    (text) => {
      const config = load();
      const operator = config.slack.roles.operator[0] ?? '';
      const built = planFromExample(config, text, operator);
      if (!built.ok) throw new Error(`refused: ${built.error}`);
      const { plan } = built;
      expect(plan.hosts.length).toBeGreaterThan(0);
      expect(plan.hosts.every((h) => h.from === '6.0.157' && h.identity?.hostKey.startsWith('SHA256:'))).toBe(true);
      expect(plan.install).toEqual(config.upgrade.install);
      // What presentPlan checks before posting the card: enough eligible approvers, the requester not among them.
      expect(plan.approvers.length).toBeGreaterThanOrEqual(plan.requiredApprovals);
      expect(plan.approvers).not.toContain(operator);
      expect(plan.expiresAt - plan.createdAt).toBe(config.approvals.expireMs);
    },
  );

  it('the admin who approves everything still cannot approve their own upgrade, and someone else can', () => {
    const config = load();
    const admin = config.slack.roles.admin[0] ?? '';
    const built = planFromExample(config, 'upgrade edges 6.0.185', admin);
    if (!built.ok) throw new Error(built.error);
    expect(built.plan.approvers).not.toContain(admin);
    expect(built.plan.approvers.length).toBeGreaterThanOrEqual(built.plan.requiredApprovals);
  });
});
