import { formatDuration } from '../core/describe-snapshot';
import { escapeSlackText, inlineCode } from '../presentation';
import type { EnqueueReceipt, GroupLine, HostJob, JobQueuePort } from '../ports/job-queue-port';
import { plural } from '../core/text/plural';

const HOSTS_SHOWN = 5;

/**
 * For each group limit of the new jobs that is full now: who changes, how many wait. For each host where the new jobs
 * wait behind others: who is ahead, doing what, since when, and the position.
 * Empty when every host is free (the receipt says so: no lookup at all, but for jobs with group limits). Best effort: a lookup failure says nothing
 * rather than failing the request.
 */
export async function describeQueue(
  queue: JobQueuePort,
  jobs: readonly HostJob[],
  receipt: EnqueueReceipt,
  now: number,
): Promise<string[]> {
  const lines: string[] = [];
  lines.push(...(await describeFullGroups(queue, jobs)));
  // Normally every host is free; the details (list, lock, job summaries) only for hosts where another job was ahead.
  const busy = jobs.filter((j) => (receipt.ahead.get(j.jobId) ?? 0) > 0);
  if (busy.length === 0) return lines;
  const shown = busy.slice(0, HOSTS_SHOWN);
  let queues: Map<string, Awaited<ReturnType<JobQueuePort['hostQueue']>>>;
  try {
    queues = await queue.hostQueues(shown.map((j) => j.host));
  } catch {
    return lines;
  }
  for (const job of shown) {
    const ahead = queues.get(job.host) ?? [];
    const position = ahead.findIndex((a) => a.jobId === job.jobId);
    if (position <= 0) continue;
    const first = ahead[0];
    if (!first) continue;
    const since = formatDuration((now - first.enqueuedAt) / 1000);
    const doing = first.running
      ? `running \`${first.verb}\` for <@${first.requestedBy}> (for ${since})`
      : `waiting: \`${first.verb}\` by <@${first.requestedBy}> (queued ${since} ago)`;
    lines.push(
      `${escapeSlackText(job.host)} is busy: ${doing}; yours is #${position + 1} in line, after ${plural(position, 'job')}. \`/srs cancel ${job.jobId}\` cancels it.`,
    );
  }
  const more = busy.length - shown.length;
  if (more > 0) lines.push(`… and ${plural(more, 'more host')} busy: \`/srs jobs\` lists what runs and waits.`);
  return lines;
}

/**
 * For each group limit the new jobs must take a slot in (`HostJob.groupLimits`) that is full or has a line right now:
 * who holds its slots and how many wait, so the requester knows their hosts will wait (the thread says so again, with
 * each host's place, when a job starts waiting). One lookup, and only for jobs with limits; best effort.
 */
async function describeFullGroups(queue: JobQueuePort, jobs: readonly HostJob[]): Promise<string[]> {
  const limits = new Map<string, number>();
  for (const job of jobs) for (const [group, limit] of Object.entries(job.groupLimits ?? {})) limits.set(group, limit);
  if (limits.size === 0 || !queue.groupLines) return [];
  let lines: Map<string, GroupLine>;
  try {
    lines = await queue.groupLines([...limits.keys()]);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const [group, limit] of limits) {
    const line = lines.get(group);
    if (!line || (line.holding.length < limit && line.waiting.length === 0)) continue;
    const holding = line.holding.slice(0, HOSTS_SHOWN).map((h) => inlineCode(h.host || '?'));
    const waiting = line.waiting.length > 0 ? `, ${plural(line.waiting.length, 'job')} already waiting` : '';
    out.push(
      `${inlineCode(group)} allows ${plural(limit, 'host')} changing at once, whoever asks: ${holding.join(', ') || 'none'} now${waiting}. Your hosts there wait their turn; \`/srs jobs\` shows the line.`,
    );
  }
  return out;
}
