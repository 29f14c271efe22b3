import type { HostContext } from '../srs/host-context';
import { launcherLogMark, logMark } from '../srs/read-log';
import { observeHost, type ObservedHost } from '../srs/snapshot';
import { confirmStarted, isFresh, type StartConfirmation } from './confirm';
import { refusalReason, startBlocker } from './start-blocker';
import { runService, type ServiceRun } from './verb-step';

/** How a start went: confirmed on the host, or why nothing could start and how to get out of it. */
export interface StartAttempt extends StartConfirmation {
  /** The service command, when one was run. */
  run?: ServiceRun;
  /** What to do about a failure, when the bot knows. */
  fix?: string;
  /** Set when the pid file's process kept SRS's init.d from starting anything. */
  errorCode?: 'zombie_pid' | 'foreign_pid';
}

/** init.d's own refusal, when its `ps -p` found the pid file's process. */
const INITD_REFUSAL = /SRS started\(pid (\d*)\), should not start it again/;
const POLL_MS = 300;

/**
 * The one way every path starts SRS after a process ended (start, the start of restart and graceful restart, an
 * upgrade's restart and its rollback). SRS's init.d `start` counts the pid file's process as running when `ps -p` finds
 * it, a zombie or a recycled pid included, and then starts nothing. So: wait (up to worker.zombieReapWaitMs) for a
 * zombie to be reaped; run nothing while one remains or while the pid file names a live program that is not SRS, and
 * say what to do; otherwise run the service start and confirm on the host that a (new, when `previousServiceId` is
 * given) SRS serves.
 */
export async function startSrs(ctx: HostContext, previousServiceId?: string): Promise<StartAttempt> {
  const evidence: string[] = [];
  const reaped = await waitWhileZombie(ctx, await observeHost(ctx));
  if (reaped.zombiePid !== undefined && reaped.observed.snapshot.state !== 'zombie') {
    evidence.push(
      `pid ${reaped.zombiePid} was a zombie (SRS's init.d counts it as running): reaped within ${reaped.waitedMs} ms, then started`,
    );
  }
  const blocker = startBlocker(ctx, reaped.observed, reaped.waitedMs);
  if (blocker) {
    return {
      ok: false,
      observed: reaped.observed,
      evidence: [...evidence, blocker.evidence],
      reason: `nothing was started: ${blocker.reason}`,
      fix: blocker.fix,
      errorCode: blocker.errorCode,
    };
  }
  const mark = logMark(reaped.observed.probe);
  const launcherMark = launcherLogMark(reaped.observed.probe);
  const run = await runService(ctx, 'start');
  evidence.push(run.evidence);
  const refused = INITD_REFUSAL.exec(run.output);
  if (refused) {
    // It counted something as running when it looked (a zombie reaped since, a process started meanwhile, SRS itself).
    const now = await observeHost(ctx);
    const s = now.snapshot;
    if (s.state === 'running' && s.apiUp && isFresh(s, previousServiceId)) {
      return {
        ok: true,
        observed: now,
        run,
        evidence: [...evidence, `init.d did not start SRS (it already ran): pid ${s.pid ?? '?'} serves (service ${s.serviceId ?? '?'})`],
      };
    }
    const why = refusalReason(ctx, refused[1], now);
    const blocked = startBlocker(ctx, now);
    return {
      ok: false,
      observed: now,
      run,
      evidence,
      reason: why.reason,
      fix: why.fix,
      ...(blocked ? { errorCode: blocked.errorCode } : {}),
    };
  }
  const confirmed = await confirmStarted(ctx, mark, previousServiceId, launcherMark);
  return { ...confirmed, run, evidence: [...evidence, ...confirmed.evidence] };
}

/** Polls while the pid file names a zombie, up to worker.zombieReapWaitMs. */
export async function waitWhileZombie(
  ctx: HostContext,
  first: ObservedHost,
): Promise<{ observed: ObservedHost; waitedMs: number; zombiePid?: number }> {
  if (first.snapshot.state !== 'zombie') return { observed: first, waitedMs: 0 };
  const zombiePid = first.snapshot.pid;
  const started = Date.now();
  const deadline = started + ctx.settings.zombieReapWaitMs;
  let observed = first;
  while (observed.snapshot.state === 'zombie' && Date.now() < deadline && ctx.signal?.aborted !== true) {
    await ctx.sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
    observed = await observeHost(ctx);
  }
  // The wait as configured (the last probe's own time is not part of it), or less when the job was cancelled.
  const waitedMs = Math.min(Date.now() - started, ctx.settings.zombieReapWaitMs);
  return { observed, waitedMs, ...(zombiePid !== undefined ? { zombiePid } : {}) };
}
