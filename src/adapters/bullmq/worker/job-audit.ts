import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditEventInput } from '../../../ports/audit-port';
import type { VerbResult } from '../../../core/verb-result';
import type { HostJob } from '../../../ports/job-queue-port';
import type { JobContext } from './job-context';
import { withTimeout } from '../../../core/with-timeout';
import { boundedOutput, type RenderedOutput } from '../../../core/render-output';
import type { StoredOutput, TranscriptEntry } from '../../../ports/output-store-port';

/** How long saving a job's output may take before the result is recorded without it. */
const SAVE_TIMEOUT_MS = 10_000;

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

/** What the audit record says about the job's kept output: the hash and size of exactly the stored text. */
export interface KeptOutput {
  /** The stored text's SHA-256 and sizes (even when it could not be stored: the record still names what it was). */
  rendered: RenderedOutput;
  /** False when the output store refused it: the record says the output was not kept. */
  kept: boolean;
}

/**
 * Renders the transcript (bounded by `output.maxBytes`) and saves it in the output store for `output.retentionMs`,
 * before the result record that carries its hash. Never rejects: a store failure is logged and reported as not kept
 * (the result must not be lost for it).
 */
export async function keepOutput(ctx: JobContext, data: HostJob, transcript: readonly TranscriptEntry[]): Promise<KeptOutput> {
  const { config, logger } = ctx.opts;
  const rendered = boundedOutput(transcript, config.output.maxBytes);
  const savedAt = Date.now();
  const stored: StoredOutput = {
    v: 1,
    jobId: data.jobId,
    requestId: data.requestId,
    host: data.host,
    verb: data.verb,
    ...rendered,
    savedAt,
    expiresAt: savedAt + config.output.retentionMs,
  };
  try {
    // Bounded: a store that hangs must not hold the result record back.
    await withTimeout(ctx.outputs.save(stored), SAVE_TIMEOUT_MS, () => new Error(`not saved within ${SAVE_TIMEOUT_MS} ms`));
    return { rendered, kept: true };
  } catch (err) {
    logger.error({ jobId: data.jobId, err: String(err) }, 'output store: job output not kept (the result is recorded all the same)');
    return { rendered, kept: false };
  }
}

/**
 * Appends the job's result record (`job.interrupted` when the verb was interrupted) after its start record has
 * settled, so the chain has them in order; the job's output as stored (keepOutput) is named by its SHA-256 and sizes.
 * Never rejects: the action already happened, a failure is logged.
 */
export async function recordResult(
  ctx: JobContext,
  data: HostJob,
  started: Promise<boolean>,
  result: VerbResult,
  output: KeptOutput,
): Promise<void> {
  const { rendered } = output;
  await started; // settled (never rejects); the result record follows the start record
  const type = result.errorCode === 'interrupted' ? 'job.interrupted' : 'job.result';
  const append = () =>
    ctx.opts.audit.append({
      ...auditBase(ctx, data),
      type,
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
        outputSha256: rendered.sha256,
        outputBytes: rendered.bytes,
        outputFullBytes: rendered.fullBytes,
        outputTruncated: rendered.truncated,
        outputKept: output.kept,
        output: result.output,
        evidence: result.evidence.slice(0, 10),
        ...(result.drain !== undefined ? { drain: result.drain } : {}),
      },
    });
  await appendOnce(ctx, data, type, append).catch((err: unknown) =>
    ctx.opts.logger.error({ jobId: data.jobId, err: String(err) }, 'audit: job result not recorded (the action already happened)'),
  );
}

/** How long a job's result record is tried again when it is not confirmed on record (see answer-job.ts CONFIRM_FOR_MS). */
const RESULT_RETRY_FOR_MS = 5_000;

/**
 * Appends the record; when that fails (Redis refused it, or the replicas REDIS_URL asks for did not confirm it, as
 * in a failover), tries again every second for {@link RESULT_RETRY_FOR_MS}, first looking whether the job's record is
 * in the log after all (a write the replicas confirmed late): appended once, not lost, not twice.
 */
async function appendOnce(
  ctx: JobContext,
  data: HostJob,
  type: 'job.result' | 'job.interrupted',
  append: () => Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + RESULT_RETRY_FOR_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt > 1) {
        const found = await ctx.opts.audit.query({ requestId: data.requestId, host: data.host, types: [type] });
        if (found.some((r) => r.data['jobId'] === data.jobId)) return;
      }
      await append();
      return;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      ctx.opts.logger.warn({ jobId: data.jobId, attempt, err: String(err) }, 'audit: job result not on record yet; again');
      await sleep(1000);
    }
  }
}
