import { UnrecoverableError, type Job } from 'bullmq';
import type { HostConfig } from '../../../../config/schema';
import type { VerbResult } from '../../../core/verb-result';
import { isServiceVerb } from '../../../core/verbs';
import { mutatesHost } from '../../../core/commands/command-table';
import type { HostJob } from '../../../ports/job-queue-port';
import { keepOutput, recordResult, recordStart } from './job-audit';
import type { TranscriptEntry } from '../../../ports/output-store-port';
import type { JobContext } from './job-context';
import { answerJob } from './answer-job';
import { publishStarted } from './job-events';
import { answerAuditUnavailable, answerCancelled, answerMalformedHost, answerNoSuchHost } from './unrun-answers';
import { jobHost } from './job-host';
import { waitForTurn } from './wait-for-turn';
import { keepLeases, releaseLeases, waitForSlots } from './wait-for-slots';

/**
 * BullMQ's processor: checks the job, waits for its host's turn (the job is delayed meanwhile), then runs it with the
 * host lock held and renewed. A job that cannot or may not run is answered with an unrun result.
 */
export async function processJob(ctx: JobContext, job: Job<HostJob>, token?: string): Promise<VerbResult> {
  const data = job.data;
  if (data.v !== 1 || !(isServiceVerb(data.verb) || (data.verb === 'upgrade' && data.options?.upgrade !== undefined))) {
    throw new UnrecoverableError(`job ${job.id ?? '?'} is not a v1 verb job`);
  }
  const found = jobHost(ctx, data);
  if (found.kind === 'unknown') return answerNoSuchHost(ctx, data);
  if (found.kind === 'malformed') return answerMalformedHost(ctx, data, found.reason);
  const cancelledBy = await waitForTurn(ctx, job, token);
  if (cancelledBy !== null) return answerCancelled(ctx, data, cancelledBy);
  await waitForSlots(ctx, job, token); // its groups' limits of hosts changing at once (delayed meanwhile)
  // The job runs with the entry and target it was accepted with (checked), never with this worker's file.
  const run = found.kind === 'carried' ? { ...data, entry: found.host, target: found.target } : data;
  return runHoldingHost(ctx, run, found.host);
}

/**
 * Runs the job with its host's turn held: the lock is renewed meanwhile and the turn given up at the end, whatever
 * happens. The start is audited first (a state-changing verb waits until it is on record and is refused when it cannot
 * be; a read-only one goes ahead while the record is written: its result record is appended after it, in the same
 * chain order), then the job.started event, the verb, the result record, the job.result event, and the job's mark as
 * answered, both confirmed on the replicas before BullMQ completes the job (a job handed out again after that, its
 * completion lost in a Redis failover, answers from the mark).
 */
async function runHoldingHost(ctx: JobContext, data: HostJob, host: HostConfig): Promise<VerbResult> {
  const { logger } = ctx.opts;
  const earlier = await ctx.ledger.answered(data.jobId);
  if (earlier !== undefined) {
    // Finished before, its completion lost (a Redis failover): answered already, on record and in its thread.
    logger.warn({ jobId: data.jobId, host: data.host }, 'job already answered (its completion was lost); not run again');
    await releaseLeases(ctx, data);
    return earlier;
  }
  const stopRenewal = keepLeases(ctx, data, (err: unknown) => logger.warn({ err: String(err) }, 'lock renew failed'));
  const started = recordStart(ctx, data);
  const mutating = mutatesHost(data.verb);
  if (mutating && !(await started)) {
    stopRenewal();
    return answerAuditUnavailable(ctx, data);
  }
  const transcript: TranscriptEntry[] = [];
  try {
    await publishStarted(ctx, data, mutating);
    const result = await ctx.opts.run(data, host, transcript);
    await recordResult(ctx, data, started, result, await keepOutput(ctx, data, transcript));
    await answerJob(ctx, data, result); // the result event and the mark, confirmed on the replicas
    return result;
  } finally {
    stopRenewal();
    await releaseLeases(ctx, data);
  }
}
