import { describeSnapshot } from '../../core/describe-snapshot';
import { drainsOnQuit } from '../../core/grace/grace-progress';
import { drainOfQuit } from '../../core/grace/drain-count';
import { describeClients } from '../../core/text/plural';
import { runGrace } from '../grace/run-grace';
import { logMark, waitForLogLine } from '../srs/read-log';
import { observeHost } from '../srs/snapshot';
import { waitWhileZombie } from './start-srs';
import { waitForNewProcess } from './wait-for-new-process';
import { runService, unchanged, type VerbRunner } from './verb-step';

const QUIT_STARTED = /sig=3, user start gracefully quit/;

/**
 * `grace`: SIGQUIT through the init.d script (which returns at once). Inside a job the quit is followed live until the
 * process is gone (runGrace); on systemd hosts (Restart=always) the new process systemd starts is confirmed too.
 * Without a job context (direct calls) it only confirms that SRS took the signal.
 */
export const grace: VerbRunner = async (ctx, before) => {
  const s = before.snapshot;
  if (ctx.grace) {
    const run = await runGrace(ctx, ctx.grace, before);
    // The exited SRS is a zombie until its parent reaps it (a moment on a real host): the state after is read once that
    // is over, so the answer does not describe a refusal to start that is gone a second later.
    let after = (await waitWhileZombie(ctx, await observeHost(ctx))).observed.snapshot;
    let summary = run.summary;
    if (run.outcome === 'ok' && ctx.hostConfig.serviceManager === 'systemd') {
      const fresh = await waitForNewProcess(ctx, run.serviceId);
      after = fresh.observed.snapshot;
      run.evidence.push(...fresh.evidence);
      summary += fresh.ok
        ? `; systemd (Restart=always) started a new SRS: ${describeSnapshot(after)}`
        : '; systemd did not start a new SRS (check the unit)';
    }
    const drain = drainOfQuit(run.progress, (ctx.now ?? Date.now)());
    return {
      outcome: run.outcome,
      summary,
      evidence: run.evidence,
      after,
      exitCode: run.exitCode,
      output: run.output,
      ...(run.errorCode ? { errorCode: run.errorCode } : {}),
      ...(drain !== undefined ? { drain } : {}),
    };
  }
  if (s.state !== 'running') {
    return unchanged('refused', `no graceful quit: SRS is not running (${describeSnapshot(s)})`, before);
  }
  const mark = logMark(before.probe);
  const run = await runService(ctx, 'grace');
  const seen = await waitForLogLine(ctx, mark, [QUIT_STARTED], ctx.settings.confirmTimeoutMs);
  const after = (await observeHost(ctx)).snapshot;
  const ok = seen.line !== undefined;
  const systemd = ctx.hostConfig.serviceManager === 'systemd' ? ' systemd (Restart=always) will start a new SRS when it exits.' : '';
  return {
    outcome: ok ? 'ok' : 'unknown',
    summary: ok
      ? drainsOnQuit(s.version)
        ? `graceful quit started: pid ${s.pid ?? '?'} drains its clients (${describeClients(s.clients, s.publishers)} now), then exits.${systemd}`
        : `quit started: SRS ${s.version ?? '?'} does not drain; pid ${s.pid ?? '?'} exits within about 2 s of SIGQUIT, dropping its clients (${describeClients(s.clients, s.publishers)} now).${systemd}`
      : `graceful quit NOT CONFIRMED: no "gracefully quit" line within ${ctx.settings.confirmTimeoutMs} ms`,
    evidence: [run.evidence, ...(ok ? [`log: ${(seen.line ?? '').slice(0, 300)}`] : [])],
    after,
    exitCode: run.exec.code,
    output: run.output,
  };
};
