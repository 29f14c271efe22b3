import { formatDuration } from '../core/describe-snapshot';
import { escapeSlackText } from '../core/render';
import type { HostJob, JobQueuePort } from '../ports/job-queue-port';

const HOSTS_SHOWN = 5;

/**
 * For each host where the new jobs wait behind others: who is ahead, doing what, since when, and the position.
 * Empty when every host is free. Best effort: a lookup failure says nothing rather than failing the request.
 */
export async function describeQueue(queue: JobQueuePort, jobs: readonly HostJob[], now: number): Promise<string[]> {
  const lines: string[] = [];
  let queues: Map<string, Awaited<ReturnType<JobQueuePort['hostQueue']>>>;
  try {
    // Normally every host is free: one pipelined look at the heads of the host lists, and the details (list, lock,
    // job summaries) only for hosts where another job is first in line.
    const heads = await queue.hostHeads(jobs.map((j) => j.host));
    const busy = jobs.filter((j) => {
      const head = heads.get(j.host);
      return head !== undefined && head !== null && head !== j.jobId;
    });
    if (busy.length === 0) return lines;
    queues = await queue.hostQueues(busy.map((j) => j.host));
  } catch {
    return lines;
  }
  for (const job of jobs) {
    if (lines.length >= HOSTS_SHOWN) {
      lines.push('… (more hosts busy)');
      break;
    }
    const ahead = queues.get(job.host) ?? [];
    const position = ahead.findIndex((a) => a.jobId === job.jobId);
    if (position <= 0) continue;
    const first = ahead[0];
    if (!first) continue;
    const since = formatDuration((now - first.enqueuedAt) / 1000);
    const doing = first.running ? `running \`${first.verb}\` for <@${first.requestedBy}> (for ${since})` : `waiting: \`${first.verb}\` by <@${first.requestedBy}> (queued ${since} ago)`;
    lines.push(`${escapeSlackText(job.host)} is busy: ${doing}; yours is #${position + 1} in line, after ${position} job${position === 1 ? '' : 's'}. \`/srs cancel ${job.jobId}\` cancels it.`);
  }
  return lines;
}
