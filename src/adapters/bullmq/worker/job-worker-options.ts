import type { Redis } from 'ioredis';
import type { Config } from '../../../../config/schema';
import type { Logger } from '../../logger';
import type { AuditPort } from '../../../ports/audit-port';
import type { HostPort } from '../../../ports/host-port';
import type { HostJob, JobEventPublisher } from '../../../ports/job-queue-port';
import type { HostConfig } from '../../../../config/schema';
import type { VerbResult } from '../../../core/verb-result';
import type { OutputStorePort, TranscriptEntry } from '../../../ports/output-store-port';

/** What the worker needs; the composition root (src/app/run-worker.ts) or a test wires it. */
export interface JobWorkerOptions {
  /** A connection with `maxRetriesPerRequest: null` (BullMQ requirement). */
  redis: Redis;
  config: Config;
  hosts: HostPort;
  events: JobEventPublisher;
  logger: Logger;
  /** Identifies this worker process in events and logs. */
  workerId: string;
  /** The audit log: job starts and results (a mutating job is refused when its start cannot be recorded). */
  audit: AuditPort;
  /**
   * Runs the job's verb once it is the host's turn (the worker's use case, src/worker/run-host-job.ts, wired by the
   * composition root: src/app/start-worker.ts). Never throws: failures are results.
   */
  run: (job: HostJob, host: HostConfig, transcript: TranscriptEntry[]) => Promise<VerbResult>;
  /**
   * Where each job's full output is kept (rendered, bounded by `output.maxBytes`, for `output.retentionMs`) before its
   * result record. @defaultValue the Redis output store on `redis`
   */
  outputs?: OutputStorePort;
  /** How often a job waiting for its host looks again. @defaultValue 100 */
  pollMs?: number;
  /** Host lock time-to-live, renewed while the job runs. @defaultValue 30000 */
  lockTtlMs?: number;
  /** BullMQ lock: a job whose worker died is taken over after this long. @defaultValue config.worker.lockDurationMs */
  lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs. @defaultValue config.worker.stalledIntervalMs */
  stalledIntervalMs?: number;
}
