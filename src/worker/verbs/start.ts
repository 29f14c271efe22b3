import { describeSnapshot } from '../../core/describe-snapshot';
import { withoutHolders } from './confirm';
import { startSrs, type StartAttempt } from './start-srs';
import { unchanged, type VerbRunner, type VerbStep } from './verb-step';

/**
 * `start`: starts SRS the one way every path does (startSrs: waits for a zombie to be reaped, runs nothing while the pid
 * file blocks init.d), then confirms SRS is alive and serving (init.d reports OK on a port conflict).
 */
export const start: VerbRunner = async (ctx, before) => {
  const s = before.snapshot;
  if (s.state === 'running') return unchanged('noop', `already running: ${describeSnapshot(s)}`, before);
  const started = await startSrs(ctx);
  return startStep(started, 'started', 'start FAILED');
};

/** A verb step from a start attempt: `<done>: <state>` or `<failed>: <reason>[. <fix>]; now <state>`. */
export function startStep(
  started: StartAttempt,
  done: string,
  failed: string,
  extraEvidence: readonly string[] = [],
  extraOutput = '',
): VerbStep {
  const after = started.observed.snapshot;
  const output = [extraOutput, started.run?.output ?? ''].filter((o) => o !== '').join('\n');
  return {
    outcome: started.ok ? 'ok' : 'failed',
    summary: started.ok ? `${done}: ${describeSnapshot(after)}` : failureSummary(failed, started),
    evidence: [...extraEvidence, ...started.evidence],
    after,
    exitCode: started.run?.exec.code ?? null,
    output,
    ...(started.errorCode !== undefined ? { errorCode: started.errorCode } : {}),
  };
}

/** `<failed>: <reason>. <fix>` when the bot knows the fix, else `<failed>: <reason>; now <state>`. */
export function failureSummary(failed: string, started: StartAttempt): string {
  const reason = started.reason ?? 'not running';
  if (started.fix !== undefined) return `${failed}: ${reason}. ${started.fix}`;
  return `${failed}: ${reason}; now ${describeSnapshot(withoutHolders(started.observed.snapshot))}`;
}
