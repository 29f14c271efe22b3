import { describeSnapshot } from '../../core/describe-snapshot';
import { drainOfQuit } from '../../core/grace/drain-count';
import { runGrace } from '../grace/run-grace';
import { observeHost, type ObservedHost } from '../srs/snapshot';
import type { HostContext } from '../srs/host-context';
import { failureSummary } from './start';
import { startSrs } from './start-srs';
import { waitForNewProcess } from './wait-for-new-process';
import type { GraceRun } from '../grace/grace-run';
import type { VerbStep } from './verb-step';

/** True when SRS runs a process other than the one that quit (a start sent by an earlier run came up). */
async function startedMeanwhile(ctx: HostContext, quitServiceId: string | undefined): Promise<boolean> {
  const s = (await observeHost(ctx)).snapshot;
  return s.state === 'running' && s.serviceId !== undefined && s.serviceId !== quitServiceId;
}

/**
 * `restart --graceful`: a followed graceful quit, then the start every path uses (startSrs: the exited SRS is a zombie
 * until its parent reaps it, and init.d's start would refuse until then), confirmed as a new process (new API service
 * id, same version) that serves. On systemd hosts (Restart=always) the quit already restarts SRS: the new process is
 * confirmed instead of starting one. Taken over from a worker that stopped mid-way, the quit resumes from its checkpoint
 * (SIGQUIT never sent twice) and the start is sent only if it was not sent before, or was sent and SRS is not running.
 */
export async function gracefulRestart(ctx: HostContext, before: ObservedHost, expect: { version?: string } = {}): Promise<VerbStep> {
  if (!ctx.grace) throw new Error('graceful restart needs a job context');
  const oldVersion = expect.version ?? before.snapshot.version;
  const quit = await runGrace(ctx, ctx.grace, before);
  const drain = drainOfQuit(quit.progress, (ctx.now ?? Date.now)());
  const withDrain = drain !== undefined ? { drain } : {};
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
      ...withDrain,
    };
  }
  const earlier = (await ctx.checkpoint?.previous())?.steps ?? [];
  const startSent = earlier.some((step) => step.action === 'start');
  const back = await comeBack(ctx, quit, startSent);
  const { evidence, ok, failure, errorCode } = back;
  const after = back.observed.snapshot;
  const resumed =
    earlier.length > 0
      ? `graceful restart finished by worker ${ctx.checkpoint?.worker ?? '?'} after ${[...new Set(earlier.map((step) => step.worker))].join(', ')} stopped mid-way: quit done, ${back.then}; `
      : '';
  const sameVersion = oldVersion === undefined || after.version === oldVersion;
  if (ok && !sameVersion)
    evidence.push(
      `version ${expect.version !== undefined ? `is not the expected ${expect.version}` : 'changed'}: ${before.snapshot.version ?? '?'} -> ${after.version ?? '?'}`,
    );
  return {
    outcome: ok && sameVersion ? 'ok' : 'failed',
    summary: ok
      ? `${resumed}gracefully restarted (${quit.summary}); new process: ${describeSnapshot(after)}${sameVersion ? '' : ' (VERSION CHANGED)'}`
      : failure,
    evidence,
    after,
    exitCode: quit.exitCode,
    output: back.output,
    ...(!ok && errorCode !== undefined ? { errorCode } : {}),
    ...withDrain,
  };
}

/** How SRS came back after the quit, and what the step says about it. */
interface CameBack {
  ok: boolean;
  observed: ObservedHost;
  /** What followed the quit (`start sent now`), for a run finished by another worker. */
  then: string;
  /** The step's summary when it did not come back. */
  failure: string;
  errorCode?: string;
  /** The quit's evidence, then the start's. */
  evidence: string[];
  /** The quit's output, then the start's. */
  output: string;
}

/**
 * After the quit: on systemd the new process it starts is confirmed; a start an earlier worker sent that came up is
 * confirmed; otherwise the start is sent now (startSrs).
 */
async function comeBack(ctx: HostContext, quit: GraceRun, startSent: boolean): Promise<CameBack> {
  const evidence = [...quit.evidence];
  const failed = `graceful restart FAILED after the quit (${quit.summary}`;
  if (ctx.hostConfig.serviceManager === 'systemd') {
    const fresh = await waitForNewProcess(ctx, quit.serviceId);
    evidence.push('systemd (Restart=always) restarts SRS after the quit: confirming its new process, not starting one', ...fresh.evidence);
    const failure = `${failed}): systemd started no new SRS; now ${describeSnapshot(fresh.observed.snapshot)}`;
    return { ok: fresh.ok, observed: fresh.observed, then: 'systemd starts SRS', failure, evidence, output: quit.output };
  }
  if (startSent && (await startedMeanwhile(ctx, quit.serviceId))) {
    // The worker before this one sent the start and SRS came up: confirm it, send nothing.
    const fresh = await waitForNewProcess(ctx, quit.serviceId);
    evidence.push('start had been sent before the worker stopped: not sent again', ...fresh.evidence);
    const failure = `${failed}): the process started before the worker stopped does not serve; now ${describeSnapshot(fresh.observed.snapshot)}`;
    return {
      ok: fresh.ok,
      observed: fresh.observed,
      then: 'start had been sent, nothing left to send',
      failure,
      evidence,
      output: quit.output,
    };
  }
  const started = await startSrs(ctx, quit.serviceId);
  evidence.push(...started.evidence);
  return {
    ok: started.ok,
    observed: started.observed,
    then: 'start sent now',
    failure: failureSummary(`${failed}; SRS did not start again)`, started),
    ...(started.errorCode !== undefined ? { errorCode: started.errorCode } : {}),
    evidence,
    output: [quit.output, started.run?.output ?? ''].filter((o) => o !== '').join('\n'),
  };
}
