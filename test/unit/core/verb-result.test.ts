import { renderHostResult } from '../../../src/presentation';
import { unconfirmedResult, unrunResult } from '../../../src/core/verb-result';

describe("a cancelled job's result", () => {
  it('says cancelled, by whom, and that nothing ran on the host: never "host not reachable"', () => {
    const m = renderHostResult(
      unrunResult('edge-1', 'restart', 'cancelled by U0ALICE before it ran; nothing was sent to edge-1', 'cancelled'),
    );
    expect(m.text).toContain('*edge-1* restart refused: cancelled by U0ALICE before it ran; nothing was sent to edge-1');
    expect(m.text).toContain('state: not read (the job did not run on the host) (unchanged)');
    expect(m.text).not.toContain('not reachable');
  });

  it('a job given up after it may have run stays "unknown", not "did not run"', () => {
    const m = renderHostResult(unconfirmedResult('edge-1', 'restart', 'the job failed and was given up', 'job_failed'));
    expect(m.text).toContain('restart unknown');
    expect(m.text).not.toContain('did not run');
  });
});
