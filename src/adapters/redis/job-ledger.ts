import type { Redis } from 'ioredis';
import type { VerbResult } from '../../core/verb-result';
import { keys } from './keys';
import { confirmReplicated } from './replica-wait';

/** How long a job's answer is remembered: longer than BullMQ keeps a finished job, shorter than a request lives. */
const KEEP_SECONDS = 7 * 24 * 3600;

/**
 * Which host jobs were answered (run, on record, published), with their result: a job BullMQ hands out again although
 * it finished (its completion lost with a Redis primary that failed over before replicating it) is answered from here
 * instead of running a second time. The mark waits for the replicas REDIS_URL asks for (`?waitReplicas=N`), so a
 * failover after it cannot forget it.
 */
export class JobLedger {
  constructor(private readonly redis: Redis) {}

  /** The result a job was answered with, or undefined when it never was. */
  async answered(jobId: string): Promise<VerbResult | undefined> {
    const raw = await this.redis.get(keys.jobDone(jobId));
    return raw === null ? undefined : (JSON.parse(raw) as VerbResult);
  }

  /** Marks the job answered with `result`; rejects (NotReplicatedError) when the replicas asked for do not confirm it. */
  async markAnswered(jobId: string, result: VerbResult): Promise<void> {
    await this.redis.set(keys.jobDone(jobId), JSON.stringify(result), 'EX', KEEP_SECONDS);
    await confirmReplicated(this.redis);
  }
}
