import { describeSnapshot } from '../../src/core/describe-snapshot';
import { logMark } from '../srs/read-log';
import { confirmStarted } from './confirm';
import { stop } from './stop';
import { runService, type VerbRunner } from './verb-step';
import { gracefulRestart } from './graceful-restart';

/**
 * `restart`: on init.d hosts a confirmed stop then a confirmed start (a failed stop never starts a second SRS);
 * on systemd hosts `systemctl restart srs`. Either way a new process (new API service id) must serve.
 */
export const restart: VerbRunner = async (ctx, before) => {
  if (ctx.grace && (ctx.grace.options.graceful === true || ctx.grace.config.restartGraceful)) return gracefulRestart(ctx, before);
  const previous = before.snapshot.serviceId;
  if (ctx.host.serviceManager === 'systemd') {
    const mark = logMark(before.probe);
    const run = await runService(ctx, 'restart', ctx.settings.stopTimeoutMs);
    const confirmed = await confirmStarted(ctx, mark, previous);
    return result(confirmed.ok, confirmed.reason, confirmed.observed.snapshot, [run.evidence, ...confirmed.evidence], run.exec.code, run.output, before.snapshot.pid);
  }
  const stopped = await stop(ctx, before);
  if (stopped.outcome === 'failed') {
    return { ...stopped, summary: `restart FAILED at stop (SRS not started again): ${stopped.summary}` };
  }
  const mark = logMark(before.probe);
  const run = await runService(ctx, 'start');
  const confirmed = await confirmStarted(ctx, mark, previous);
  return result(
    confirmed.ok,
    confirmed.reason,
    confirmed.observed.snapshot,
    [...stopped.evidence, run.evidence, ...confirmed.evidence],
    run.exec.code,
    [stopped.output, run.output].filter((o) => o !== '').join('\n'),
    before.snapshot.pid,
  );
};

function result(ok: boolean, reason: string | undefined, after: import('../../src/core/verb-result').HostSnapshot, evidence: string[], exitCode: number | null, output: string, oldPid?: number) {
  return {
    outcome: ok ? ('ok' as const) : ('failed' as const),
    summary: ok
      ? `restarted: pid ${oldPid ?? '-'} → ${after.pid ?? '?'}, ${describeSnapshot(after)}`
      : `restart FAILED: ${reason ?? 'not running'}; now ${describeSnapshot(after)}`,
    evidence,
    after,
    exitCode,
    output,
  };
}
