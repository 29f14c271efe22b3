import { needsApproval } from '../core/approval-policy';
import { blastRadius, confirmReason } from '../core/rollout/blast-radius';
import type { Plan } from '../core/rollout/plan';
import { plural } from '../core/text/plural';
import type { VerbResult } from '../core/verb-result';
import { renderDryRunReport } from '../presentation';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import { closeRequest } from './close-request';
import { recordAudit } from './record-audit';

/** What would be asked before the plan runs: another person's approval, the requester's confirmation, or nothing. */
function gateOf(deps: BotDeps, plan: Plan): string {
  const hosts = deps.inventory.current().hosts.filter((h) => plan.hosts.some((p) => p.name === h.name));
  if (plan.verb === 'upgrade' || needsApproval(plan.verb, hosts, deps.config.approvals))
    return `another person's approval (${plural(plan.requiredApprovals, 'approval')}; ${plan.approvers.length > 0 ? `${plan.approvers.length} eligible approvers` : 'nobody is eligible: see `approvals.approvers`'})`;
  const wide = confirmReason(blastRadius(plan), deps.config.confirm);
  if (wide !== undefined) return `your confirmation (a wide change: ${wide})`;
  return plan.hosts.length > 1 ? 'nothing: it would start rolling at once' : 'nothing: it would run at once';
}

/**
 * A dry run, with its survey in: the plan, the survey, the blast radius and the exact commands each host would be
 * sent, posted in the thread; one `request.dry_run` record per host (so `/srs history <host>` shows it); the request
 * closed. Nothing was sent to any host but the survey's read-only status.
 */
export async function presentDryRun(
  deps: BotDeps,
  record: RequestRecord,
  parentTs: string,
  plan: Plan,
  results: readonly VerbResult[],
): Promise<void> {
  const commands = new Map(results.filter((r) => r.after.state !== 'unknown').map((r): [string, string[]] => [r.host, r.planned ?? []]));
  const gate = gateOf(deps, plan);
  await deps.chat.post(record.channelId, renderDryRunReport(plan, commands, gate), parentTs);
  for (const h of plan.hosts) {
    await recordAudit(deps, {
      type: 'request.dry_run',
      actor: record.userId,
      channel: record.channelId,
      requestId: record.requestId,
      correlationId: record.requestId,
      host: h.name,
      verb: plan.verb,
      data: {
        requestedBy: record.userId,
        target: plan.target,
        planHash: plan.hash,
        batch: h.batch + 1,
        batches: plan.hosts.length === 0 ? 0 : Math.max(...plan.hosts.map((x) => x.batch)) + 1,
        commands: commands.get(h.name) ?? [],
        gate,
        outcome: 'dry run',
      },
    });
  }
  await closeRequest(
    deps,
    record,
    parentTs,
    `dry run: nothing changed (${plural(plan.hosts.length, 'host')} surveyed)`,
    { dryRun: true },
    'dry-run',
  );
}
