import { unconfirmedResult, unrunResult, type VerbResult } from '../../../core/verb-result';
import type { HostJob } from '../../../ports/job-queue-port';
import type { JobContext } from './job-context';
import { publishResult } from './job-events';
import { groupsOf, releaseLeases } from './wait-for-slots';

/**
 * The answers of a job that did not run (or whose end is unknown): each publishes its result and takes the job out of
 * its host's queue (and its group slots and lines), so the request is answered rather than dropped.
 */

/**
 * A job without a host entry (queued by an older bot) for a host this worker's own inventory lacks: nothing was run
 * (the job never took its host's turn).
 */
export async function answerNoSuchHost(ctx: JobContext, data: HostJob): Promise<VerbResult> {
  const reason = `this worker (${ctx.opts.workerId}) has no host ${data.host} in its inventory, and the job carries no host entry (queued by an older bot); nothing was run. Run the command again: the bot now sends the entry with the job.`;
  const result = unrunResult(data.host, data.verb, reason, 'config_invalid');
  await publishResult(ctx, data, result);
  await ctx.hostQueue.remove(data.host, data.jobId);
  return result;
}

/** The job's host entry is malformed (not what a bot writes): nothing was run. */
export async function answerMalformedHost(ctx: JobContext, data: HostJob, why: string): Promise<VerbResult> {
  const reason = `job ${data.jobId} was refused by worker ${ctx.opts.workerId}: ${why}; nothing was run. Run the command again from the bot.`;
  const result = unrunResult(data.host, data.verb, reason, 'config_invalid');
  await publishResult(ctx, data, result);
  await ctx.hostQueue.remove(data.host, data.jobId);
  return result;
}

/** The job was cancelled (by `by`) before it ran: nothing was sent; the host's turn is given up. */
export async function answerCancelled(ctx: JobContext, data: HostJob, by: string): Promise<VerbResult> {
  const result = unrunResult(data.host, data.verb, `cancelled by ${by} before it ran; nothing was sent to ${data.host}`, 'cancelled');
  await publishResult(ctx, data, result);
  await releaseLeases(ctx, data);
  return result;
}

/** A state-changing job whose start could not be recorded: refused, nothing was sent; the host's turn is given up. */
export async function answerAuditUnavailable(ctx: JobContext, data: HostJob): Promise<VerbResult> {
  const reason = `not run: the audit log cannot be written (Redis refuses writes?), and every state-changing action must be on record. Nothing was sent to ${data.host}.`;
  const result = unrunResult(data.host, data.verb, reason, 'audit_unavailable');
  await publishResult(ctx, data, result);
  await releaseLeases(ctx, data);
  return result;
}

/** A job that failed for good (an unexpected error, or its workers died too often): its host's state is unconfirmed. */
export async function answerFailed(ctx: JobContext, data: HostJob, reason: string): Promise<void> {
  const summary = `the job failed and was given up: ${reason.slice(0, 200)}. ${data.host}'s state is unconfirmed: run \`/srs status ${data.host}\`.`;
  await publishResult(ctx, data, unconfirmedResult(data.host, data.verb, summary, 'job_failed'));
  await ctx.hostQueue.remove(data.host, data.jobId);
  await ctx.groupSlots.release(data.jobId, groupsOf(data));
}
