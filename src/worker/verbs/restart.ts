import { describeSnapshot, isDown } from '../../core/describe-snapshot';
import type { HostSnapshot } from '../../core/verb-result';
import { launcherLogMark, logMark } from '../srs/read-log';
import { confirmStarted } from './confirm';
import { gracefulRestart } from './graceful-restart';
import { failureSummary } from './start';
import { startSrs, type StartAttempt } from './start-srs';
import { stop } from './stop';
import { runService, type VerbRunner, type VerbStep } from './verb-step';

/**
 * `restart`: on init.d hosts a confirmed stop then a confirmed start (a failed stop never starts a second SRS); on
 * systemd hosts `systemctl restart srs`, or, when SRS is not running, the start every path uses (the unit's start is
 * the init.d start, blocked the same way by a zombie or a recycled pid). Either way a new process (new API service id)
 * must serve.
 */
export const restart: VerbRunner = async (ctx, before) => {
  if (ctx.grace && (ctx.grace.options.graceful === true || ctx.grace.config.restartGraceful)) return gracefulRestart(ctx, before);
  const previous = before.snapshot.serviceId;
  const oldPid = before.snapshot.pid;
  // A worker that takes the job over after this one stopped tells the new process from this one.
  await ctx.checkpoint?.noteProcess({
    ...(oldPid !== undefined ? { pid: oldPid } : {}),
    ...(previous !== undefined ? { serviceId: previous } : {}),
  });
  if (ctx.hostConfig.serviceManager === 'systemd' && !isDown(before.snapshot)) {
    const mark = logMark(before.probe);
    const run = await runService(ctx, 'restart', ctx.settings.stopTimeoutMs);
    const confirmed = await confirmStarted(ctx, mark, previous, launcherLogMark(before.probe));
    return restarted({ ...confirmed, run, evidence: [run.evidence, ...confirmed.evidence] }, oldPid, 'restart FAILED');
  }
  const stopped = await stop(ctx, before);
  if (stopped.outcome === 'failed') {
    return { ...stopped, summary: `restart FAILED at stop (SRS not started again): ${stopped.summary}` };
  }
  const started = await startSrs(ctx, previous);
  const failed =
    stopped.outcome === 'ok'
      ? `restart FAILED (pid ${oldPid ?? '?'} stopped, SRS did not start again)`
      : 'restart FAILED (SRS was not running)';
  return restarted(started, oldPid, failed, stopped.evidence, stopped.output);
};

/** A restart's step from its start: `restarted: pid 1 → 2, ...` or the failure `failed` introduces. */
export function restarted(
  started: StartAttempt,
  oldPid: number | undefined,
  failed: string,
  stopEvidence: readonly string[] = [],
  stopOutput = '',
): VerbStep {
  const after: HostSnapshot = started.observed.snapshot;
  return {
    outcome: started.ok ? 'ok' : 'failed',
    summary: started.ok
      ? `restarted: pid ${oldPid ?? '-'} → ${after.pid ?? '?'}, ${describeSnapshot(after)}`
      : failureSummary(failed, started),
    evidence: [...stopEvidence, ...started.evidence],
    after,
    exitCode: started.run?.exec.code ?? null,
    output: [stopOutput, started.run?.output ?? ''].filter((o) => o !== '').join('\n'),
    ...(started.errorCode !== undefined ? { errorCode: started.errorCode } : {}),
  };
}
