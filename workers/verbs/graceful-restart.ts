import { describeSnapshot } from '../../src/core/describe-snapshot';
import { runGrace } from '../grace/run-grace';
import { observeHost, type ObservedHost } from '../srs/snapshot';
import type { HostContext } from '../srs/host-context';
import { failureSummary } from './start';
import { startSrs } from './start-srs';
import { waitForNewProcess } from './wait-for-new-process';
import type { VerbStep } from './verb-step';

/**
 * `restart --graceful`: a followed graceful quit, then the start every path uses (startSrs: the exited SRS is a zombie
 * until its parent reaps it, and init.d's start would refuse until then), confirmed as a new process (new API service
 * id, same version) that serves. On systemd hosts (Restart=always) the quit already restarts SRS: the new process is
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
  let failure: string;
  let errorCode: string | undefined;
  if (ctx.host.serviceManager === 'systemd') {
    const fresh = await waitForNewProcess(ctx, quit.serviceId);
    evidence.push('systemd (Restart=always) restarts SRS after the quit: confirming its new process, not starting one', ...fresh.evidence);
    ok = fresh.ok;
    observed = fresh.observed;
    failure = `graceful restart FAILED after the quit (${quit.summary}): systemd started no new SRS; now ${describeSnapshot(observed.snapshot)}`;
  } else {
    const started = await startSrs(ctx, quit.serviceId);
    output = [output, started.run?.output ?? ''].filter((o) => o !== '').join('\n');
    evidence.push(...started.evidence);
    ok = started.ok;
    observed = started.observed;
    failure = failureSummary(`graceful restart FAILED after the quit (${quit.summary}; SRS did not start again)`, started);
    errorCode = started.errorCode;
  }
  const after = observed.snapshot;
  const sameVersion = oldVersion === undefined || after.version === oldVersion;
  if (ok && !sameVersion) evidence.push(`version ${expect.version !== undefined ? `is not the expected ${expect.version}` : 'changed'}: ${before.snapshot.version ?? '?'} -> ${after.version ?? '?'}`);
  return {
    outcome: ok && sameVersion ? 'ok' : 'failed',
    summary: ok
      ? `gracefully restarted (${quit.summary}); new process: ${describeSnapshot(after)}${sameVersion ? '' : ' (VERSION CHANGED)'}`
      : failure,
    evidence,
    after,
    exitCode: quit.exitCode,
    output,
    ...(!ok && errorCode !== undefined ? { errorCode } : {}),
  };
}
