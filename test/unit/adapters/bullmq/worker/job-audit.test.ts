import { parseConfig } from '../../../../../config/load-config';
import { MemoryAuditStore } from '../../../../../src/adapters/audit/memory-audit-store';
import { keepOutput, recordResult } from '../../../../../src/adapters/bullmq/worker/job-audit';
import type { JobContext } from '../../../../../src/adapters/bullmq/worker/job-context';
import { createLogger } from '../../../../../src/adapters/logger';
import { outputSha256 } from '../../../../../src/core/render-output';
import { unrunResult } from '../../../../../src/core/verb-result';
import type { HostJob } from '../../../../../src/ports/job-queue-port';
import type { OutputStorePort, StoredOutput, TranscriptEntry } from '../../../../../src/ports/output-store-port';

const config = parseConfig(
  {
    ssh: { user: 'srs', privateKeyPath: '/k', knownHostsPath: '/kh' },
    output: { maxBytes: 1024, retentionMs: 3_600_000 },
    hosts: [{ name: 'edge-1', address: '10.0.0.1' }],
  },
  'test',
);
const job: HostJob = {
  v: 1,
  jobId: 'r-a-000000-edge-1',
  requestId: 'r-a-000000',
  host: 'edge-1',
  verb: 'restart',
  requestedBy: 'U1',
  enqueuedAt: 0,
};
const transcript: TranscriptEntry[] = [{ command: 'systemctl restart srs', stdout: 'y'.repeat(5000), stderr: '', exitCode: 0 }];

function context(outputs: OutputStorePort) {
  const audit = new MemoryAuditStore();
  const ctx = {
    opts: { config, audit, workerId: 'w1', logger: createLogger('test', { LOG_LEVEL: 'silent' }) },
    outputs,
  } as unknown as JobContext;
  return { ctx, audit };
}

describe('job output and its audit record', () => {
  it('keeps the bounded text, and the result record names exactly its hash and sizes', async () => {
    const saved: StoredOutput[] = [];
    const { ctx, audit } = context({ save: (o) => (saved.push(o), Promise.resolve()), get: () => Promise.resolve(undefined) });
    const kept = await keepOutput(ctx, job, transcript);
    await recordResult(ctx, job, Promise.resolve(true), unrunResult('edge-1', 'restart', 's', 'x'), kept);
    const s = saved[0];
    expect(s).toBeDefined();
    expect(s?.bytes).toBeLessThanOrEqual(1024);
    expect(s?.truncated).toBe(true);
    expect(s?.expiresAt).toBe((s?.savedAt ?? 0) + 3_600_000);
    expect(s?.sha256).toBe(outputSha256(s?.text ?? ''));
    const [rec] = await audit.query({ types: ['job.result'] });
    expect(rec?.data).toMatchObject({
      outputSha256: s?.sha256,
      outputBytes: s?.bytes,
      outputFullBytes: s?.fullBytes,
      outputTruncated: true,
      outputKept: true,
    });
  });

  it('a store failure loses no result: the record says the output was not kept', async () => {
    const { ctx, audit } = context({ save: () => Promise.reject(new Error('OOM')), get: () => Promise.resolve(undefined) });
    const kept = await keepOutput(ctx, job, transcript);
    expect(kept.kept).toBe(false);
    await recordResult(ctx, job, Promise.resolve(true), unrunResult('edge-1', 'restart', 's', 'x'), kept);
    const [rec] = await audit.query({ types: ['job.result'] });
    expect(rec?.data).toMatchObject({ outputKept: false, outputSha256: kept.rendered.sha256 });
  });
});
