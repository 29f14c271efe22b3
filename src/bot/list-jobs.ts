import { formatDuration } from '../core/describe-snapshot';
import { renderCodeBlock, stageCounts } from '../presentation';
import { batchesOf } from '../core/rollout/plan';
import type { BotDeps } from './bot-deps';
import type { CommandReply } from './command-io';
import { plural } from '../core/text/plural';

/** Lines listed per section; the rest are counted. */
const LISTED = 20;

function ago(deps: BotDeps, at: number): string {
  return formatDuration(Math.max(0, deps.now() - at) / 1000);
}

function cap(lines: string[]): string[] {
  return lines.length > LISTED ? [...lines.slice(0, LISTED), `… +${lines.length - LISTED} more`] : lines;
}

/**
 * `/srs jobs`: what is going on, ephemeral: plans awaiting approval (who, what, approvals so far, expiry), rollouts
 * (batch, stages), and host jobs running or queued (who, what, since when), from Redis, whichever bot or worker holds them.
 */
export async function listJobs(deps: BotDeps): Promise<CommandReply> {
  try {
    const [pending, activeIds, queues] = await Promise.all([
      deps.approvals.pending(),
      deps.rollouts.active(),
      deps.queue.hostQueues(deps.inventory.current().hosts.map((h) => h.name)),
    ]);
    const rollouts = (await Promise.all(activeIds.map((id) => deps.rollouts.get(id)))).filter((r) => r !== undefined);
    const awaiting = pending.map((a) => {
      const p = a.plan;
      const what = p.verb === 'upgrade' ? `upgrade ${p.target} to ${p.version ?? '?'}` : `${p.verb} ${p.target}`;
      return `${p.id}  ${what} (${plural(p.hosts.length, 'host')}) by ${p.requestedBy}: ${a.approvedBy.length} of ${plural(p.requiredApprovals, 'approval')}, asked ${ago(deps, p.createdAt)} ago, expires in ${formatDuration(Math.max(0, p.expiresAt - deps.now()) / 1000)}`;
    });
    const rolling = rollouts.map(
      (r) =>
        `${r.plan.id}  upgrade ${r.plan.target} to ${r.plan.version ?? '?'} by ${r.plan.requestedBy}: ${r.state}, batch ${r.batch + 1} of ${batchesOf(r.plan).length} (${stageCounts(r)}), for ${ago(deps, r.startedAt)}`,
    );
    const jobs: string[] = [];
    for (const [host, list] of queues) {
      list.forEach((j, i) =>
        jobs.push(
          `${j.jobId}  ${j.verb} on ${host} by ${j.requestedBy}: ${j.running ? 'running' : `queued (#${i + 1} on ${host})`}, since ${ago(deps, j.enqueuedAt)}`,
        ),
      );
    }
    const parts: string[] = [];
    parts.push(
      `*Awaiting approval* (${awaiting.length})`,
      awaiting.length > 0 ? renderCodeBlock(cap(awaiting).join('\n'), 1200) : '_none_',
    );
    parts.push(`*Rollouts* (${rolling.length})`, rolling.length > 0 ? renderCodeBlock(cap(rolling).join('\n'), 1200) : '_none_');
    parts.push(`*Host jobs running or queued* (${jobs.length})`, jobs.length > 0 ? renderCodeBlock(cap(jobs).join('\n'), 1400) : '_none_');
    return { ephemeral: { text: parts.join('\n') } };
  } catch (err) {
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'jobs lookup failed');
    return { ephemeral: { text: ':warning: Could not read the queue (Redis unreachable?). Try again in a moment.' } };
  }
}
