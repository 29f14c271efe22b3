import { describeSnapshot } from '../../core/describe-snapshot';
import { drainOfQuit } from '../../core/grace/drain-count';
import type { HostSnapshot } from '../../core/verb-result';
import type { HostContext } from '../srs/host-context';
import { observeHost, type ObservedHost } from '../srs/snapshot';
import { runInstall } from '../upgrade/run-install';
import type { UpgradeBaseline, UpgradeJob } from '../../ports/upgrade-job-port';
import { verifyUpgrade } from '../upgrade/verify-upgrade';
import { baselineOf } from '../srs/health-gate';
import { gracefulRestart } from './graceful-restart';
import { machineChanges } from './plan-machine';
import { restart } from './restart';
import { start } from './start';
import type { VerbRunner, VerbStep } from './verb-step';

function step(
  outcome: VerbStep['outcome'],
  summary: string,
  after: HostSnapshot,
  evidence: string[],
  output: string,
  errorCode?: string,
  exitCode: number | null = null,
): VerbStep {
  return { outcome, summary, after, evidence, exitCode, output, ...(errorCode !== undefined ? { errorCode } : {}) };
}

/**
 * One host's step of an approved rollout:
 * 1. the host name still points at the machine the plan bound (address, port, login user, SRS root, service
 *    manager); health snapshot: running, API answering, still the version the plan saw (else the approval does not
 *    hold: a host already on the target version is refused too, nothing installed or restarted);
 *    it is kept as the baseline of the checks, also for a worker that takes the job over;
 * 2. install the target version with the approved command (the version is an argument);
 * 3. graceful restart (drain followed live, as `restart --graceful`);
 * 4. verify against the baseline: the API reports the target version from a new process, no startup failure in the
 *    log, streams and publishers back; on failure, with rollback on, re-install the previous version and restart.
 * `abort --now` is honoured before the install and before the restart.
 */
export const upgrade: VerbRunner = async (ctx, before) => {
  const job = ctx.upgrade;
  if (!job || !ctx.grace) throw new Error('upgrade needs its job context');
  const s = before.snapshot;
  const evidence: string[] = [];
  const moved = machineChanged(ctx, job.options);
  if (moved !== undefined) return step('refused', moved, s, evidence, '', 'plan_changed');
  await job.stage('snapshot');
  const saved = await job.loadBaseline();
  if (saved !== undefined) {
    // A previous worker began this host's upgrade: resume (the graceful quit from its checkpoint, never re-sent),
    // and judge the outcome against what the host was before, not what it is now.
    evidence.push(`resumed: a previous worker began this upgrade (before: SRS ${saved.version}, service ${saved.serviceId ?? '?'})`);
    if (s.version === job.options.version && s.state === 'running' && s.serviceId !== saved.serviceId) {
      // The previous worker's quit is over: its drain count is in the graceful quit's checkpoint.
      const quit = await ctx.grace.loadCheckpoint();
      const drain = quit !== undefined ? drainOfQuit(quit.progress) : undefined;
      const checked = await check(ctx, job, saved, evidence, '');
      return drain !== undefined ? { ...checked, drain } : checked;
    }
    if (s.version === job.options.from && s.serviceId === saved.serviceId && (await ctx.grace.loadCheckpoint()) === undefined)
      return install(ctx, job, before, saved, evidence);
    return restartAndCheck(ctx, job, before, saved, evidence, '');
  }
  const refused = notAsPlanned(s, job.options);
  if (refused !== undefined) return step('refused', refused.summary, s, evidence, '', refused.errorCode);
  const baseline = baselineOf(before);
  await job.saveBaseline(baseline);
  return install(ctx, job, before, baseline, evidence);
};

/** Why the approval does not hold for this machine: this worker's inventory points the name at another one than the plan's. */
function machineChanged(ctx: HostContext, o: UpgradeJob['options']): string | undefined {
  const changes = machineChanges(ctx, o.identity);
  if (changes === undefined) return undefined;
  return `not upgraded: ${ctx.hostConfig.name} points at another machine than the approved plan's (${changes}); the approval does not hold, nothing was installed or restarted`;
}

/** Why a fresh upgrade is refused: SRS unhealthy, or not on the version the plan saw (already on the target included). */
function notAsPlanned(s: HostSnapshot, o: UpgradeJob['options']): { summary: string; errorCode: string } | undefined {
  if (s.state !== 'running' || !s.apiUp)
    return {
      summary: `not upgraded: unhealthy before anything was done (${describeSnapshot(s)}); nothing was installed`,
      errorCode: 'unhealthy_before',
    };
  if (s.version === o.version) {
    // Someone upgraded it meanwhile: not the version the approvers saw, so refused like any other (README).
    return {
      summary: `not upgraded: it already runs ${o.version}, but the approved plan said ${o.from}; the approval does not hold (it is not on the planned version): nothing was installed or restarted`,
      errorCode: 'plan_changed',
    };
  }
  if (s.version !== o.from) {
    return {
      summary: `not upgraded: it runs ${s.version ?? '?'} but the approved plan said ${o.from}; the approval does not hold, nothing was installed`,
      errorCode: 'plan_changed',
    };
  }
  return undefined;
}

/** Step 2, then 3 and 4. */
async function install(
  ctx: HostContext,
  job: UpgradeJob,
  before: ObservedHost,
  baseline: UpgradeBaseline,
  evidence: string[],
): Promise<VerbStep> {
  const o = job.options;
  const s = before.snapshot;
  const stopBy = await job.stopRequested();
  if (stopBy !== undefined)
    return step(
      'refused',
      `not upgraded: the rollout was aborted by ${stopBy} before the install; nothing was changed`,
      s,
      evidence,
      '',
      'aborted',
    );
  await job.stage('installing', o.version);
  const installed = await runInstall(ctx, job, o.version, o.from);
  evidence.push(installed.evidence);
  if (!installed.ok) {
    if (o.rollback) {
      const back = await runInstall(ctx, job, o.from, o.from);
      evidence.push(`rollback: ${back.evidence}`);
    }
    const after = (await observeHost(ctx)).snapshot;
    return step(
      'failed',
      `install of ${o.version} failed (${installed.evidence}); SRS was not restarted${o.rollback ? `, ${o.from} re-installed` : ''}: ${describeSnapshot(after)}`,
      after,
      evidence,
      installed.output,
      'install_failed',
      installed.code,
    );
  }
  const stopLate = await job.stopRequested();
  if (stopLate !== undefined) {
    const back = await runInstall(ctx, job, o.from, o.from);
    evidence.push(`aborted before the restart: ${back.evidence}`);
    return step(
      'refused',
      `not restarted: the rollout was aborted by ${stopLate} after the install; ${o.from} was re-installed${back.ok ? '' : ' (FAILED: check the host)'} and still serves`,
      s,
      evidence,
      installed.output,
      'aborted',
      installed.code,
    );
  }
  return restartAndCheck(ctx, job, before, baseline, evidence, installed.output);
}

/** Steps 3 and 4. */
async function restartAndCheck(
  ctx: HostContext,
  job: UpgradeJob,
  before: ObservedHost,
  baseline: UpgradeBaseline,
  evidence: string[],
  installOutput: string,
): Promise<VerbStep> {
  await job.stage('restarting');
  const restarted = await gracefulRestart(ctx, before, { version: job.options.version });
  const withDrain = (v: VerbStep): VerbStep => (restarted.drain !== undefined ? { ...v, drain: restarted.drain } : v);
  evidence.push(...restarted.evidence);
  const output = [installOutput, restarted.output].filter((x) => x !== '').join('\n');
  if (restarted.outcome === 'refused' || restarted.outcome === 'unknown') {
    return withDrain(
      step(
        restarted.outcome,
        `the graceful restart did not complete: ${restarted.summary}`,
        restarted.after,
        evidence,
        output,
        restarted.errorCode ?? 'restart_failed',
        restarted.exitCode,
      ),
    );
  }
  if (restarted.errorCode === 'zombie_pid' || restarted.errorCode === 'foreign_pid') {
    // Nothing could start (the pid file's process blocks init.d): not a fault of the new build, and a rollback's start
    // would be blocked the same way. Say what blocks it; the new version is installed and starts once it is cleared.
    return withDrain(
      step(
        'failed',
        `upgrade to ${job.options.version} stopped after the quit: ${restarted.summary} (SRS ${job.options.version} is installed)`,
        restarted.after,
        evidence,
        output,
        restarted.errorCode,
        restarted.exitCode,
      ),
    );
  }
  return withDrain(await check(ctx, job, baseline, evidence, output));
}

/** Step 4: the checks, then (with rollback on) putting the previous version back when they fail. */
async function check(ctx: HostContext, job: UpgradeJob, baseline: UpgradeBaseline, evidence: string[], output: string): Promise<VerbStep> {
  const o = job.options;
  await job.stage('verifying');
  const verdict = await verifyUpgrade(ctx, o.version, baseline, o.healthTimeoutMs);
  evidence.push(...verdict.evidence);
  if (verdict.ok)
    return step('ok', `upgraded ${baseline.version || '?'} → ${o.version}: ${verdict.detail}`, verdict.observed.snapshot, evidence, output);
  const failure = verdict.failure ?? 'unhealthy_after';
  if (!o.rollback || baseline.version === o.version) {
    return step(
      'failed',
      `upgrade to ${o.version} FAILED its checks: ${verdict.detail}; now ${describeSnapshot(verdict.observed.snapshot)} (no rollback)`,
      verdict.observed.snapshot,
      evidence,
      output,
      failure,
    );
  }
  await job.stage('rolling back', o.from);
  const back = await rollback(ctx, job, verdict.observed);
  evidence.push(...back.evidence);
  return step(
    'failed',
    `upgrade to ${o.version} FAILED its checks (${verdict.detail}); ${back.ok ? `rolled back: ${o.from} serves again` : 'rollback FAILED'}: ${describeSnapshot(back.after)}`,
    back.after,
    evidence,
    [output, back.output].filter((x) => x !== '').join('\n'),
    back.ok ? `${failure}_rolled_back` : `${failure}_rollback_failed`,
  );
}

/** Re-installs the previous version and (re)starts SRS, confirmed: the host serves `from` again. */
async function rollback(
  ctx: HostContext,
  job: UpgradeJob,
  now: ObservedHost,
): Promise<{ ok: boolean; after: HostSnapshot; evidence: string[]; output: string }> {
  const from = job.options.from;
  const installed = await runInstall(ctx, job, from, from);
  const evidence = [`rollback: ${installed.evidence}`];
  if (!installed.ok) return { ok: false, after: now.snapshot, evidence, output: installed.output };
  // A plain (fast) restart: the failed build is not serving well, and the drain was already done once.
  const plain: HostContext = { ...ctx, grace: undefined };
  const current = await observeHost(plain);
  const ran = current.snapshot.state === 'running' ? await restart(plain, current) : await start(plain, current);
  evidence.push(...ran.evidence.map((e) => `rollback: ${e}`));
  const ok = ran.outcome === 'ok' && ran.after.version === from;
  if (ran.outcome === 'ok' && ran.after.version !== from)
    evidence.push(`rollback: the API reports ${ran.after.version ?? '?'}, not ${from}`);
  return { ok, after: ran.after, evidence, output: [installed.output, ran.output].filter((x) => x !== '').join('\n') };
}
