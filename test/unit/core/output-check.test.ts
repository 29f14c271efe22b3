import { checkOutput, findOutputRecord, requestJobs } from '../../../src/core/output-check';
import { outputSha256 } from '../../../src/core/render-output';
import type { AuditRecord } from '../../../src/ports/audit-port';

const JOB = 'r-a-000000-edge-1';
function rec(seq: number, type: AuditRecord['type'], data: Record<string, unknown>, host = 'edge-1'): AuditRecord {
  return { v: 1, seq, at: `2026-12-07T00:00:0${seq}Z`, prev: '', hash: '', type, actor: 'worker:w', requestId: 'r-a-000000', host, data };
}

describe('output check', () => {
  const text = 'the output\n';
  const records = [
    rec(4, 'job.result', { jobId: 'r-a-000000-edge-2', outcome: 'failed' }, 'edge-2'),
    rec(3, 'job.result', {
      jobId: JOB,
      outcome: 'ok',
      outputSha256: outputSha256(text),
      outputBytes: 11,
      outputFullBytes: 11,
      outputTruncated: false,
      outputKept: true,
    }),
    rec(2, 'job.started', { jobId: JOB }),
  ];

  it("finds the job's result record and reads its output fields", () => {
    expect(findOutputRecord(records, JOB)).toEqual({
      seq: 3,
      at: '2026-12-07T00:00:03Z',
      type: 'job.result',
      sha256: outputSha256(text),
      bytes: 11,
      fullBytes: 11,
      truncated: false,
      kept: true,
    });
    expect(findOutputRecord(records, 'r-a-000000-edge-3')).toBeUndefined();
  });

  it('recomputes the hash from the text, never trusting the stored one', () => {
    const record = findOutputRecord(records, JOB);
    expect(checkOutput({ text }, record).kind).toBe('matches');
    expect(checkOutput({ text: 'the 0utput\n' }, record)).toEqual({ kind: 'mismatch', sha256: outputSha256('the 0utput\n'), record });
    expect(checkOutput({ text }, undefined)).toEqual({ kind: 'no_record', sha256: outputSha256(text) });
  });

  it("lists a request's jobs, oldest first", () => {
    expect(requestJobs(records)).toEqual([
      { jobId: JOB, host: 'edge-1', outcome: 'ok' },
      { jobId: 'r-a-000000-edge-2', host: 'edge-2', outcome: 'failed' },
    ]);
  });
});
