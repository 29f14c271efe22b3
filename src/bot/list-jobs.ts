import { formatDuration } from '../core/describe-snapshot';
import { groupLineText, renderCodeBlock, stageCounts } from '../presentation';
import type { FanOutLine, GroupLine } from '../ports/job-queue-port';
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

/** The policy's limits of hosts changing at once, by group (`rolling.groups.<g>.concurrency`). */
function groupLimits(deps: BotDeps): Map<string, number> {
  const out = new Map<string, number>();
  for (const [group, policy] of Object.entries(deps.config.rolling?.groups ?? {})) {
    if (policy.concurrency !== undefined) out.set(group, policy.concurrency);
  }
  return out;
}

/** Per waiting job id: `, #2 for a slot in origins` (each group it waits in). */
function groupWaits(lines: ReadonlyMap<string, GroupLine>): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines.values()) {
    line.waiting.forEach((w, i) => out.set(w.jobId, `${out.get(w.jobId) ?? ''}, #${i + 1} for a slot in ${line.group}`));
  }
  return out;
}

/** A fan-out's request-level job: `r-abc  status all (1,000 hosts) by U1: waiting for a worker (#1), since 2s`. */
function fanOutLines(deps: BotDeps, lines: readonly FanOutLine[]): string[] {
  return lines.map((f, i) => {
    const where =
      f.expanded === 0
        ? `waiting for a worker to queue its host jobs (#${i + 1})`
        : `${f.expanded} of ${f.hostCount} host jobs queued so far`;
    return `${f.requestId}  ${f.verb} ${f.target} (${plural(f.hostCount, 'host')}) by ${f.requestedBy}: ${where}, since ${ago(deps, f.enqueuedAt)}`;
  });
}

/**
 * `/srs jobs`: what is going on, ephemeral: plans awaiting approval (who, what, approvals so far, expiry), rollouts
 * (batch, stages), the groups' limits of hosts changing at once (who holds a slot, who waits, in line order), and host
 * jobs running or queued (who, what, since when, their place for a group slot), and fan-outs whose host jobs are not all
 * queued yet, from Redis, whichever bot or worker holds them.
 */
export async function listJobs(deps: BotDeps): Promise<CommandReply> {
  try {
    const limits = groupLimits(deps);
    const [fanOuts, pending, activeIds, queues, groupLines] = await Promise.all([
      deps.queue.fanOutLines(),
      deps.approvals.pending(),
      deps.rollouts.active(),
      deps.queue.hostQueues(deps.inventory.current().hosts.map((h) => h.name)),
      limits.size > 0 && deps.queue.groupLines ? deps.queue.groupLines([...limits.keys()]) : new Map<string, GroupLine>(),
    ]);
    const waitsFor = groupWaits(groupLines);
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
          `${j.jobId}  ${j.verb} on ${host} by ${j.requestedBy}: ${j.running ? 'running' : `queued (#${i + 1} on ${host}${waitsFor.get(j.jobId) ?? ''})`}, since ${ago(deps, j.enqueuedAt)}`,
        ),
      );
    }
    const parts: string[] = [];
    parts.push(
      `*Awaiting approval* (${awaiting.length})`,
      awaiting.length > 0 ? renderCodeBlock(cap(awaiting).join('\n'), 1200) : '_none_',
    );
    parts.push(`*Rollouts* (${rolling.length})`, rolling.length > 0 ? renderCodeBlock(cap(rolling).join('\n'), 1200) : '_none_');
    if (groupLines.size > 0) {
      const lines = [...groupLines.values()].map((l) => groupLineText(l, limits.get(l.group)));
      parts.push(`*Group limits* (hosts changing at once)`, renderCodeBlock(cap(lines).join('\n'), 1200));
    }
    if (fanOuts.length > 0)
      parts.push(`*Fan-outs being queued* (${fanOuts.length})`, renderCodeBlock(cap(fanOutLines(deps, fanOuts)).join('\n'), 1200));
    parts.push(`*Host jobs running or queued* (${jobs.length})`, jobs.length > 0 ? renderCodeBlock(cap(jobs).join('\n'), 1400) : '_none_');
    return { ephemeral: { text: parts.join('\n') } };
  } catch (err) {
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'jobs lookup failed');
    return { ephemeral: { text: ':warning: Could not read the queue (Redis unreachable?). Try again in a moment.' } };
  }
}
