import { answerJob } from '../../../../../src/adapters/bullmq/worker/answer-job';
import type { JobContext } from '../../../../../src/adapters/bullmq/worker/job-context';
import { createLogger } from '../../../../../src/adapters/logger';
import { NotReplicatedError } from '../../../../../src/adapters/redis/replica-wait';
import { unrunResult } from '../../../../../src/core/verb-result';
import type { HostJob, JobEvent } from '../../../../../src/ports/job-queue-port';

const job: HostJob = {
  v: 1,
  jobId: 'r-a-000000-edge-1',
  requestId: 'r-a-000000',
  host: 'edge-1',
  verb: 'status',
  requestedBy: 'U1',
  enqueuedAt: 0,
};
const result = unrunResult('edge-1', 'status', 'ok', 'running');

/** A context whose event stream and ledger are recorded; `confirms` says, try by try, whether the replicas confirm. */
function context(confirms: boolean[], publishFails = false) {
  const published: JobEvent[] = [];
  const marked: string[] = [];
  const ctx = {
    opts: {
      workerId: 'w1',
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      events: {
        publish: (e: JobEvent) => (publishFails ? Promise.reject(new Error('Redis down')) : (published.push(e), Promise.resolve())),
      },
    },
    ledger: {
      markAnswered: (jobId: string) => {
        marked.push(jobId);
        return confirms.shift() === true ? Promise.resolve() : Promise.reject(new NotReplicatedError('only 0 of 1 replica(s)'));
      },
    },
  } as unknown as JobContext;
  return { ctx, published, marked };
}

describe('answerJob: a job is answered once its answer is on the replicas', () => {
  it('publishes and marks once when the replicas confirm at once', async () => {
    const { ctx, published, marked } = context([true]);
    await answerJob(ctx, job, result);
    expect(published.map((e) => e.type)).toEqual(['job.result']);
    expect(marked).toEqual([job.jobId]);
  });

  it('writes both again until the replicas confirm (a write on a demoted primary is gone): the event is published again', async () => {
    const { ctx, published, marked } = context([false, true]);
    await answerJob(ctx, job, result, 10_000);
    expect(published).toHaveLength(2);
    expect(marked).toHaveLength(2);
  });

  it('gives up confirming after its time and resolves (the answer is on the primary of the moment)', async () => {
    const { ctx, published } = context([false, false, false]);
    await answerJob(ctx, job, result, 0);
    expect(published).toHaveLength(1);
  });

  it('rejects when the event could never be published (the job fails and is answered as failed)', async () => {
    const { ctx } = context([], true);
    await expect(answerJob(ctx, job, result, 0)).rejects.toThrow('Redis down');
  });
});
