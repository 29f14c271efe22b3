import { asChatopsError, ErrorCode } from '../../core/errors';
import { describeSnapshot } from '../../core/describe-snapshot';
import type { HostSnapshot, VerbResult } from '../../core/verb-result';
import type { JobVerb } from '../../core/verbs';
import type { HostContext } from '../srs/host-context';
import { observeHost, type ObservedHost } from '../srs/snapshot';
import { grace } from './grace';
import { reload } from './reload';
import { restart } from './restart';
import { resumeRestart } from './resume-restart';
import { rollingStep } from './rolling-step';
import { rotate } from './rotate';
import { start } from './start';
import { status } from './status';
import { stop } from './stop';
import { upgrade } from './upgrade';
import type { VerbRunner, VerbStep } from './verb-step';
import type { CheckpointState } from '../../ports/checkpoint-port';

const RUNNERS: Readonly<Record<JobVerb, VerbRunner>> = { status, start, stop, restart, reload, rotate, grace, upgrade };

const UNKNOWN: HostSnapshot = { state: 'unknown', apiUp: false };

/** Why nothing was run: what the result says instead of a step's. */
type NotRun = Pick<VerbResult, 'outcome' | 'summary'> & { errorCode?: string };

/** Runs one verb on one host and returns its confirmed result; never throws (failures are results). */
export async function runVerb(ctx: HostContext, verb: JobVerb): Promise<VerbResult> {
  const started = Date.now();
  let before: HostSnapshot = UNKNOWN;
  try {
    const observed = await observeHost(ctx);
    before = observed.snapshot;
    // One host's step of a rolling plan: the plan's machine, abort --now, the baseline, then the verb and its health gate.
    const step = await rollingStep(ctx, verb, observed, () => runObserved(ctx, verb, observed));
    if (!('after' in step)) return base(ctx, verb, started, before, step);
    return {
      ...base(ctx, verb, started, before, step),
      after: step.after,
      evidence: step.evidence,
      exitCode: step.exitCode,
      output: step.output,
      ...(step.planned !== undefined ? { planned: step.planned } : {}),
      ...(step.drain !== undefined ? { drain: step.drain } : {}),
    };
  } catch (err) {
    const e = asChatopsError(err);
    ctx.logger.warn(
      { host: ctx.hostConfig.name, verb, code: e.code, err: e.cause instanceof Error ? e.cause.message : e.message },
      'verb failed',
    );
    // A refused sudo (become: sudo) ran nothing: a failure with its fix, not an unknown outcome.
    const refused = e.code === ErrorCode.Forbidden;
    const touched = before.state !== 'unknown' && !refused;
    return base(ctx, verb, started, before, {
      outcome: refused ? 'failed' : 'unknown',
      summary: touched ? `${e.userMessage} (the host's state after this is unconfirmed)` : e.userMessage,
      errorCode: e.code,
    });
  }
}

/**
 * The verb's step on a host just observed, unless it must not run: the state could not be read, a previous run was
 * interrupted after sending something (a restart finishes what it left instead), or the SRS root is missing.
 */
async function runObserved(ctx: HostContext, verb: JobVerb, observed: ObservedHost): Promise<VerbStep | NotRun> {
  const before = observed.snapshot;
  if (before.state === 'unknown') {
    const lost = observed.probe.errors.join(', ') || 'probe failed';
    return { outcome: 'unknown', summary: `could not read SRS state (${lost}); nothing was run`, errorCode: ErrorCode.ConnectionLost };
  }
  const earlier = await interruptedRun(ctx, verb);
  const interrupted = earlier?.steps.at(-1)?.action;
  // A restart knows its steps: it finishes what the previous worker left, sending only what is missing.
  if (earlier !== undefined && verb === 'restart') return resumeRestart(ctx, observed, earlier);
  if (interrupted !== undefined) {
    return {
      outcome: 'unknown',
      summary: `interrupted: the worker running this job stopped after sending \`${interrupted}\`, so it was not sent again; ${ctx.hostConfig.name} is now ${describeSnapshot(before)}`,
      errorCode: 'interrupted',
    };
  }
  if (observed.probe.errors.includes('root_missing')) {
    return {
      outcome: 'failed',
      summary: `SRS root ${ctx.hostConfig.srsRoot} does not exist on the host; nothing was run (check the inventory or run doctor)`,
      errorCode: ErrorCode.ConfigInvalid,
    };
  }
  return RUNNERS[verb](ctx, observed);
}

/**
 * When a previous run of this job sent (or was about to send) state-changing commands, returns what it recorded: the
 * job must not send them blindly again. A graceful quit (or graceful restart) keeps its own checkpoint and resumes
 * instead; so does an upgrade.
 */
async function interruptedRun(ctx: HostContext, verb: JobVerb): Promise<CheckpointState | undefined> {
  if (!ctx.checkpoint) return undefined;
  // An upgrade resumes too: its install is idempotent, its restart has the graceful quit's checkpoint.
  if (verb === 'upgrade') return undefined;
  if (ctx.grace && (verb === 'grace' || (verb === 'restart' && (ctx.grace.options.graceful === true || ctx.grace.config.restartGraceful))))
    return undefined;
  const previous = await ctx.checkpoint.previous();
  return previous !== undefined && previous.steps.length > 0 ? previous : undefined;
}

function base(
  ctx: HostContext,
  verb: JobVerb,
  started: number,
  before: HostSnapshot,
  part: Pick<VerbResult, 'outcome' | 'summary'> & { errorCode?: string },
): VerbResult {
  const result: VerbResult = {
    v: 1,
    host: ctx.hostConfig.name,
    verb,
    outcome: part.outcome,
    summary: part.summary,
    before,
    after: before,
    evidence: [],
    exitCode: null,
    durationMs: Date.now() - started,
    output: '',
  };
  if (part.errorCode !== undefined) result.errorCode = part.errorCode;
  return result;
}
