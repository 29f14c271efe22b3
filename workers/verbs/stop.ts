import { describeSnapshot, isDown } from '../../src/core/describe-snapshot';
import { confirmGone } from './confirm';
import { runService, unchanged, type VerbRunner } from './verb-step';

/** `stop`: runs the service stop, then confirms the process is gone (not a zombie) and its ports are closed. */
export const stop: VerbRunner = async (ctx, before) => {
  const s = before.snapshot;
  if (isDown(s)) return unchanged('noop', `already stopped: ${describeSnapshot(s)}`, before);
  const run = await runService(ctx, 'stop', ctx.settings.stopTimeoutMs);
  const gone = await confirmGone(ctx, 5000, s.pid);
  const after = gone.observed.snapshot;
  return {
    outcome: gone.ok ? 'ok' : 'failed',
    summary: gone.ok ? `stopped (pid ${s.pid ?? '?'} gone)` : `stop FAILED: ${describeSnapshot(after)}`,
    evidence: [run.evidence, ...gone.evidence],
    after,
    exitCode: run.exec.code,
    output: run.output,
  };
};
