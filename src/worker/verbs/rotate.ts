import { describeSnapshot } from '../../core/describe-snapshot';
import { logMark, waitForLogLine } from '../srs/read-log';
import { observeHost } from '../srs/snapshot';
import { runService, unchanged, type VerbRunner } from './verb-step';

const REOPENED = /reopen log file, signo=10/;

/** `rotate`: SIGUSR1 through the init.d script, confirmed by SRS's `reopen log file` line in the (new) log file. */
export const rotate: VerbRunner = async (ctx, before) => {
  if (before.snapshot.state !== 'running') {
    return unchanged('refused', `not rotated: SRS is not running (${describeSnapshot(before.snapshot)})`, before);
  }
  const mark = logMark(before.probe);
  const run = await runService(ctx, 'rotate');
  const seen = await waitForLogLine(ctx, mark, [REOPENED], ctx.settings.confirmTimeoutMs);
  const after = (await observeHost(ctx)).snapshot;
  const ok = seen.line !== undefined;
  return {
    outcome: ok ? 'ok' : 'unknown',
    summary: ok
      ? `log reopened (${before.probe.logFile ?? 'srs.log'})`
      : `rotate NOT CONFIRMED: no "reopen log file" line within ${ctx.settings.confirmTimeoutMs} ms`,
    evidence: [run.evidence, ...(ok ? [`log: ${(seen.line ?? '').slice(0, 300)}`] : [])],
    after,
    exitCode: run.exec.code,
    output: run.output,
  };
};
