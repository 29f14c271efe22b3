import type { Command } from '../core/command';
import { checkOutput, findOutputRecord, requestJobs } from '../core/output-check';
import { REQUEST_ID_PATTERN, REQUEST_ID_PREFIX } from '../core/request-id';
import type { AuditRecord } from '../ports/audit-port';
import { renderOutput, renderOutputMissing, renderRequestJobs } from '../presentation/output';
import type { BotDeps } from './bot-deps';
import type { CommandReply } from './command-io';

/** The records that carry a job's output hash. */
const RESULT_TYPES = ['job.result', 'job.interrupted'] as const;

/** The ops server's address of a job's output, when the bot knows the server's public URL. */
export function outputLink(base: string | undefined, jobId: string): string | undefined {
  if (base === undefined || base === '') return undefined;
  return `${base.replace(/\/+$/, '')}/output/${encodeURIComponent(jobId)}`;
}

/**
 * `/srs output <job id>` (ephemeral): the job's stored output, its SHA-256 recomputed from the stored text and compared
 * with the job's audit record (found by the request id the job id starts with). A request id lists its jobs instead.
 */
export async function answerOutput(deps: BotDeps, command: Extract<Command, { kind: 'output' }>): Promise<CommandReply> {
  const { id } = command;
  const requestId = REQUEST_ID_PREFIX.exec(id)?.[0] ?? id;
  try {
    const records: AuditRecord[] = await deps.audit.query({ requestId, types: [...RESULT_TYPES], limit: 500 });
    if (REQUEST_ID_PATTERN.test(id)) return { ephemeral: renderRequestJobs(id, requestJobs(records)) };
    const record = findOutputRecord(records, id);
    const stored = await deps.outputs.get(id);
    const retention = deps.config.output.retentionMs;
    if (stored === undefined) {
      const why = record === undefined ? 'unknown' : record.kept === false ? 'not_kept' : 'expired';
      return { ephemeral: renderOutputMissing(id, retention, why) };
    }
    const verdict = checkOutput(stored, record);
    if (verdict.kind !== 'matches')
      deps.logger.warn(
        { jobId: id, verdict: verdict.kind, sha256: verdict.sha256 },
        'output: stored output does not match its audit record',
      );
    const link = outputLink(deps.outputLinkBase, id);
    return { ephemeral: renderOutput({ stored, verdict, ...(link !== undefined ? { link } : {}) }) };
  } catch (err) {
    deps.logger.error({ jobId: id, err: err instanceof Error ? err.message : String(err) }, 'output lookup failed');
    return {
      ephemeral: {
        text: ':warning: The output store or the audit log cannot be read right now (Redis unreachable?); try again in a minute.',
      },
    };
  }
}
