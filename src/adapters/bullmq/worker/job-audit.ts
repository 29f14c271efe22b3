import { createHash } from 'node:crypto';
import type { AuditEventInput } from '../../../ports/audit-port';
import type { VerbResult } from '../../../core/verb-result';
import type { HostJob } from '../../../ports/job-queue-port';
import type { JobContext } from './job-context';

/** The fields every audit record of a job carries. */
function auditBase(ctx: JobContext, data: HostJob): Omit<AuditEventInput, 'type' | 'data'> {
  return {
    actor: `worker:${ctx.opts.workerId}`,
    requestId: data.requestId,
    correlationId: data.requestId,
    host: data.host,
    verb: data.verb,
  };
}

/**
 * Appends the job's start record; resolves to whether it is on record (never rejects: a failure is logged). A
 * state-changing job waits for it and is refused when it is not; a read-only one goes ahead meanwhile.
 */
export function recordStart(ctx: JobContext, data: HostJob): Promise<boolean> {
  const { opts } = ctx;
  return opts.audit
    .append({
      ...auditBase(ctx, data),
      type: 'job.started',
      data: { jobId: data.jobId, requestedBy: data.requestedBy, ...(data.options ? { options: data.options } : {}) },
    })
    .then(
      () => true,
      (err: unknown) => {
        opts.logger.error({ jobId: data.jobId, err: String(err) }, 'audit: job start not recorded');
        return false;
      },
    );
}

/**
 * Appends the job's result record (`job.interrupted` when the verb was interrupted) after its start record has
 * settled, so the chain has them in order; the full transcript is kept as its SHA-256 and size. Never rejects: the
 * action already happened, a failure is logged.
 */
export async function recordResult(
  ctx: JobContext,
  data: HostJob,
  started: Promise<boolean>,
  result: VerbResult,
  transcript: readonly string[],
): Promise<void> {
  const full = transcript.join('\n');
  await started; // settled (never rejects); the result record follows the start record
  await ctx.opts.audit
    .append({
      ...auditBase(ctx, data),
      type: result.errorCode === 'interrupted' ? 'job.interrupted' : 'job.result',
      data: {
        jobId: data.jobId,
        requestedBy: data.requestedBy,
        outcome: result.outcome,
        summary: result.summary,
        exitCode: result.exitCode,
        durationMs: result.durationMs,
        stateBefore: result.before.state,
        stateAfter: result.after.state,
        ...(result.errorCode !== undefined ? { errorCode: result.errorCode } : {}),
        outputSha256: createHash('sha256').update(full).digest('hex'),
        outputBytes: Buffer.byteLength(full),
        output: result.output,
        evidence: result.evidence.slice(0, 10),
      },
    })
    .catch((err: unknown) =>
      ctx.opts.logger.error({ jobId: data.jobId, err: String(err) }, 'audit: job result not recorded (the action already happened)'),
    );
}
