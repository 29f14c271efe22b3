import { describeSnapshot, isDown } from '../../core/describe-snapshot';
import { confirmGone, heldPorts } from './confirm';
import { startBlocker } from './start-blocker';
import { runService, unchanged, type VerbRunner } from './verb-step';

/**
 * `stop`: runs the service stop, then confirms SRS is gone: its process exited and no port is SRS's any more. A port
 * another program took meanwhile is named as a warning (SRS cannot start until it is freed), not a failed stop.
 */
export const stop: VerbRunner = async (ctx, before) => {
  const s = before.snapshot;
  if (isDown(s)) {
    const blocker = startBlocker(ctx, before);
    // init.d stop would signal whatever the pid file names: SIGTERM to a program that is not SRS.
    const notRun =
      s.state === 'foreign_pid'
        ? `; init.d stop was not run (it would send SIGTERM to pid ${s.pid ?? '?'}, which is not SRS). ${blocker?.fix ?? ''}`
        : '';
    return unchanged('noop', `already stopped: ${describeSnapshot(s)}${notRun}`.trim(), before);
  }
  const run = await runService(ctx, 'stop', ctx.settings.stopTimeoutMs);
  const gone = await confirmGone(ctx, 5000, s.pid);
  const after = gone.observed.snapshot;
  let summary = `stop FAILED: ${describeSnapshot(after)}`;
  if (gone.ok) {
    const blocker = startBlocker(ctx, gone.observed);
    const held = heldPorts(after.portHolders, true);
    summary = `stopped (pid ${s.pid ?? '?'} ${blocker ? 'exited' : 'gone'})${held === '' ? '' : `; ${held}`}${blocker ? `; ${blocker.reason}. ${blocker.fix}` : ''}`;
  }
  return {
    outcome: gone.ok ? 'ok' : 'failed',
    summary,
    evidence: [run.evidence, ...gone.evidence],
    after,
    exitCode: run.exec.code,
    output: run.output,
  };
};
