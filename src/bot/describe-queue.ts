import { formatDuration } from '../core/describe-snapshot';
import { escapeSlackText } from '../presentation';
import type { EnqueueReceipt, HostJob, JobQueuePort } from '../ports/job-queue-port';
import { plural } from '../core/text/plural';

const HOSTS_SHOWN = 5;

/**
 * For each host where the new jobs wait behind others: who is ahead, doing what, since when, and the position.
 * Empty when every host is free (the receipt says so: no lookup at all). Best effort: a lookup failure says nothing
 * rather than failing the request.
 */
export async function describeQueue(
  queue: JobQueuePort,
  jobs: readonly HostJob[],
  receipt: EnqueueReceipt,
  now: number,
): Promise<string[]> {
  const lines: string[] = [];
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
