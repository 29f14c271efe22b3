import { describeSnapshot } from '../../src/core/describe-snapshot';
import { logMark, waitForLogLine } from '../srs/read-log';
import { observeHost } from '../srs/snapshot';
import { runService, unchanged, type VerbRunner } from './verb-step';

const QUIT_STARTED = /sig=3, user start gracefully quit/;

/** `grace`: SIGQUIT through the init.d script (which returns at once), confirmed by SRS's graceful-quit log line. */
export const grace: VerbRunner = async (ctx, before) => {
  const s = before.snapshot;
  if (s.state !== 'running') {
    return unchanged('refused', `no graceful quit: SRS is not running (${describeSnapshot(s)})`, before);
  }
  const mark = logMark(before.probe);
  const run = await runService(ctx, 'grace');
  const seen = await waitForLogLine(ctx, mark, [QUIT_STARTED], ctx.settings.confirmTimeoutMs);
  const after = (await observeHost(ctx)).snapshot;
  const ok = seen.line !== undefined;
  const systemd = ctx.host.serviceManager === 'systemd' ? ' systemd (Restart=always) will start a new SRS when it exits.' : '';
  return {
    outcome: ok ? 'ok' : 'unknown',
    summary: ok
      ? `graceful quit started: pid ${s.pid ?? '?'} drains ${s.clients ?? '?'} clients, then exits.${systemd}`
      : `graceful quit NOT CONFIRMED: no "gracefully quit" line within ${ctx.settings.confirmTimeoutMs} ms`,
    evidence: [run.evidence, ...(ok ? [`log: ${(seen.line ?? '').slice(0, 300)}`] : [])],
    after,
    exitCode: run.exec.code,
    output: run.output,
  };
};
