import { describeSnapshot } from '../../src/core/describe-snapshot';
import { runGrace } from '../grace/run-grace';
import { logMark } from '../srs/read-log';
import { observeHost, type ObservedHost } from '../srs/snapshot';
import type { HostContext } from '../srs/host-context';
import { confirmStarted } from './confirm';
import { waitForNewProcess } from './wait-for-new-process';
import { runService, type VerbStep } from './verb-step';

/**
 * `restart --graceful`: a followed graceful quit, then a start, confirmed as a new process (new API service id, same
 * version) that serves. On systemd hosts (Restart=always) the quit already restarts SRS: the new process is
 * confirmed instead of starting one.
 */
export async function gracefulRestart(ctx: HostContext, before: ObservedHost, expect: { version?: string } = {}): Promise<VerbStep> {
  if (!ctx.grace) throw new Error('graceful restart needs a job context');
  const oldVersion = expect.version ?? before.snapshot.version;
  const quit = await runGrace(ctx, ctx.grace, before);
  if (quit.outcome !== 'ok') {
    const after = (await observeHost(ctx)).snapshot;
    return {
      outcome: quit.outcome === 'refused' ? 'refused' : quit.outcome,
      summary: `graceful restart stopped before the start: ${quit.summary}`,
      evidence: quit.evidence,
      after,
      exitCode: quit.exitCode,
      output: quit.output,
      ...(quit.errorCode ? { errorCode: quit.errorCode } : {}),
    };
  }
  const evidence = [...quit.evidence];
  let output = quit.output;
  let ok: boolean;
  let observed: ObservedHost;
  if (ctx.host.serviceManager === 'systemd') {
    const fresh = await waitForNewProcess(ctx, quit.serviceId);
    evidence.push('systemd (Restart=always) restarts SRS after the quit: confirming its new process, not starting one', ...fresh.evidence);
    ok = fresh.ok;
    observed = fresh.observed;
  } else {
    const mark = logMark((await observeHost(ctx)).probe);
    const run = await runService(ctx, 'start');
    output = [output, run.output].filter((o) => o !== '').join('\n');
    const confirmed = await confirmStarted(ctx, mark, quit.serviceId);
    evidence.push(run.evidence, ...confirmed.evidence);
    ok = confirmed.ok;
    observed = confirmed.observed;
  }
  const after = observed.snapshot;
  const sameVersion = oldVersion === undefined || after.version === oldVersion;
  if (ok && !sameVersion) evidence.push(`version ${expect.version !== undefined ? `is not the expected ${expect.version}` : 'changed'}: ${before.snapshot.version ?? '?'} -> ${after.version ?? '?'}`);
  return {
    outcome: ok && sameVersion ? 'ok' : 'failed',
    summary: ok
      ? `gracefully restarted (${quit.summary}); new process: ${describeSnapshot(after)}${sameVersion ? '' : ' (VERSION CHANGED)'}`
      : `graceful restart FAILED after the quit: ${describeSnapshot(after)}`,
    evidence,
    after,
    exitCode: quit.exitCode,
    output,
  };
}
