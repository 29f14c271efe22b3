import { describeSnapshot } from '../../src/core/describe-snapshot';
import { logMark } from '../srs/read-log';
import { confirmStarted } from './confirm';
import { runService, unchanged, type VerbRunner } from './verb-step';

/** `start`: runs the service start, then confirms SRS is alive and serving (init.d reports OK on a port conflict). */
export const start: VerbRunner = async (ctx, before) => {
  const s = before.snapshot;
  if (s.state === 'running') return unchanged('noop', `already running: ${describeSnapshot(s)}`, before);
  const mark = logMark(before.probe);
  const run = await runService(ctx, 'start');
  const confirmed = await confirmStarted(ctx, mark);
  const after = confirmed.observed.snapshot;
  return {
    outcome: confirmed.ok ? 'ok' : 'failed',
    summary: confirmed.ok ? `started: ${describeSnapshot(after)}` : `start FAILED: ${confirmed.reason ?? 'not running'}; now ${describeSnapshot(after)}`,
    evidence: [run.evidence, ...confirmed.evidence],
    after,
    exitCode: run.exec.code,
    output: run.output,
  };
};
