import { describeSnapshot } from '../../core/describe-snapshot';
import type { VerbResult } from '../../core/verb-result';
import type { JobVerb } from '../../core/verbs';
import type { UpgradeBaseline } from '../../ports/upgrade-job-port';
import type { HostContext } from '../srs/host-context';
import { baselineOf, healthGate } from '../srs/health-gate';
import type { ObservedHost } from '../srs/snapshot';
import { machineChanges } from './plan-machine';
import type { VerbStep } from './verb-step';

/** What the runner returns when nothing ran (no `after`), or the verb's step. */
export type StepOrNotRun = VerbStep | (Pick<VerbResult, 'outcome' | 'summary'> & { errorCode?: string });

/** Verbs that leave SRS running: the health gate follows them. stop and grace are judged by their own confirmed outcome. */
const GATED: ReadonlySet<JobVerb> = new Set<JobVerb>(['start', 'restart', 'reload', 'rotate']);
/** Verbs whose `ok` means another process serves now (a reload or a rotate keeps its process). */
const NEW_PROCESS: ReadonlySet<JobVerb> = new Set<JobVerb>(['start', 'restart']);

/**
 * One host's step of a rolling service verb (`ctx.rolling`), around the verb itself (`run`):
 * 1. the host name still points at the machine the plan bound, else refused (`plan_changed`), nothing sent;
 * 2. on a fresh step, `abort --now` asked before it: refused (`aborted`), nothing sent;
 * 3. the baseline (the host before the step) saved, or the one a previous worker saved loaded (a take-over);
 * 4. stage `running`, then the verb as without a plan (grace and restart --graceful force the quit at the drain
 *    deadline when the plan says so: the grace job's automatic escalation);
 * 5. after an `ok`/`noop` of a verb that leaves SRS running (start, restart, reload, rotate): stage `verifying`, then
 *    the health gate upgrades use, with the version before as the one expected and a new process required only after
 *    a start or restart that acted. A failed gate is `failed` with errorCode `health_gate`. stop and grace have no
 *    gate: their own confirmed outcome is the step's.
 */
export async function rollingStep(
  ctx: HostContext,
  verb: JobVerb,
  observed: ObservedHost,
  run: () => Promise<StepOrNotRun>,
): Promise<StepOrNotRun> {
  const rolling = ctx.rolling;
  if (rolling === undefined) return run();
  const { job, options } = rolling;
  const name = ctx.hostConfig.name;
  const moved = machineChanges(ctx, options.identity);
  if (moved !== undefined)
    return refused(
      observed,
      `\`${verb}\` not run: ${name} points at another machine than the plan's (${moved}); the plan does not hold for it, nothing was sent`,
      'plan_changed',
    );
  let baseline = await job.loadBaseline();
  const evidence: string[] = [];
  if (baseline === undefined) {
    const by = await job.stopRequested();
    if (by !== undefined)
      return refused(observed, `\`${verb}\` not run: the rollout was aborted by ${by} before ${name}'s step; nothing was sent`, 'aborted');
    baseline = baselineOf(observed);
    await job.saveBaseline(baseline);
  } else {
    evidence.push(`resumed: a previous worker began this step (before: ${baselineText(baseline)})`);
  }
  await job.stage('running', verb);
  const step = await run();
  if (!('after' in step)) return step;
  const withEvidence: VerbStep = { ...step, evidence: [...evidence, ...step.evidence] };
  if (!GATED.has(verb) || (step.outcome !== 'ok' && step.outcome !== 'noop')) return withEvidence;
  await job.stage('verifying');
  const verdict = await healthGate(ctx, baseline, {
    ...(baseline.version !== '' ? { version: baseline.version } : {}),
    newProcess: NEW_PROCESS.has(verb) && step.outcome === 'ok',
    healthTimeoutMs: options.healthTimeoutMs,
    after: `the ${verb}`,
  });
  const after = verdict.observed.snapshot;
  const gateEvidence = verdict.evidence.map((e) => `health gate: ${e}`);
  if (verdict.ok) {
    return {
      ...withEvidence,
      summary: `${step.summary}; health gate passed: ${verdict.detail}`,
      after,
      evidence: [...withEvidence.evidence, ...gateEvidence],
    };
  }
  return {
    ...withEvidence,
    outcome: 'failed',
    summary: `${verb} ${step.outcome === 'ok' ? 'done' : 'had nothing to do'}, but ${name} FAILED the health gate (${verdict.failure ?? 'unhealthy'}): ${verdict.detail}; now ${describeSnapshot(after)}`,
    after,
    evidence: [...withEvidence.evidence, ...gateEvidence, `health gate failed: ${verdict.failure ?? 'unhealthy'}`],
    errorCode: 'health_gate',
  };
}

function refused(observed: ObservedHost, summary: string, errorCode: string): VerbStep {
  return { outcome: 'refused', summary, evidence: [], after: observed.snapshot, exitCode: null, output: '', errorCode };
}

function baselineText(b: UpgradeBaseline): string {
  return `SRS ${b.version || '?'}, pid ${b.pid ?? '?'}, service ${b.serviceId ?? '?'}, ${b.publishers} published of ${b.streams} streams`;
}
