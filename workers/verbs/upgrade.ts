import { describeSnapshot } from '../../src/core/describe-snapshot';
import type { HostSnapshot } from '../../src/core/verb-result';
import type { HostContext } from '../srs/host-context';
import { observeHost, type ObservedHost } from '../srs/snapshot';
import { runInstall } from '../upgrade/run-install';
import type { UpgradeJob } from '../upgrade/upgrade-job';
import { verifyUpgrade } from '../upgrade/verify-upgrade';
import { gracefulRestart } from './graceful-restart';
import { restart } from './restart';
import { start } from './start';
import type { VerbRunner, VerbStep } from './verb-step';

function step(outcome: VerbStep['outcome'], summary: string, after: HostSnapshot, evidence: string[], output: string, errorCode?: string, exitCode: number | null = null): VerbStep {
  return { outcome, summary, after, evidence, exitCode, output, ...(errorCode !== undefined ? { errorCode } : {}) };
}

/**
 * One host's step of an approved rollout:
 * 1. health snapshot: running, API answering, still the version the plan saw (else the approval does not hold);
 * 2. install the target version with the configured command (the version is an argument);
 * 3. graceful restart (drain followed live, as `restart --graceful`);
 * 4. verify: the API reports the target version from a new process, no startup failure in the log, streams and
 *    publishers back; on failure, with rollback on, re-install the previous version and restart it.
 * `abort --now` is honoured before the install and before the restart.
 */
export const upgrade: VerbRunner = async (ctx, before) => {
  const job = ctx.upgrade;
  if (!job || !ctx.grace) throw new Error('upgrade needs its job context');
  const o = job.options;
  const s = before.snapshot;
  const evidence: string[] = [];
  await job.stage('snapshot');
  if ((await ctx.grace.loadCheckpoint()) !== undefined) {
    // A worker died during this host's restart: the graceful quit resumes from its checkpoint (never re-sent).
    evidence.push('resumed: a previous worker stopped during the restart');
    return restartAndCheck(ctx, job, before, evidence, '');
  }
  if (s.state !== 'running' || !s.apiUp) return step('refused', `not upgraded: unhealthy before anything was done (${describeSnapshot(s)}); nothing was installed`, s, evidence, '', 'unhealthy_before');
  if (s.version === o.version) {
    // A run that a dead worker left after its restart, or someone upgraded by hand: only the checks remain.
    evidence.push(`already runs ${o.version}: install and restart skipped, checks only`);
    return check(ctx, job, before, evidence, '');
  }
  if (s.version !== o.from) {
    return step('refused', `not upgraded: it runs ${s.version ?? '?'} but the approved plan said ${o.from}; the approval does not hold, nothing was installed`, s, evidence, '', 'plan_changed');
  }
  const stopBy = await job.stopRequested();
  if (stopBy !== undefined) return step('refused', `not upgraded: the rollout was aborted by ${stopBy} before the install; nothing was changed`, s, evidence, '', 'aborted');

  await job.stage('installing', o.version);
  const install = await runInstall(ctx, job, o.version, o.from);
  evidence.push(install.evidence);
  if (!install.ok) {
    const after = (await observeHost(ctx)).snapshot;
    return step('failed', `install of ${o.version} failed (${install.evidence}); SRS was not restarted: ${describeSnapshot(after)}`, after, evidence, install.output, 'install_failed', install.code);
  }
  const stopLate = await job.stopRequested();
  if (stopLate !== undefined) {
    const back = await runInstall(ctx, job, o.from, o.from);
    evidence.push(`aborted before the restart: ${back.evidence}`);
    return step('refused', `not restarted: the rollout was aborted by ${stopLate} after the install; ${o.from} was re-installed${back.ok ? '' : ' (FAILED: check the host)'} and still serves`, s, evidence, install.output, 'aborted', install.code);
  }

  return restartAndCheck(ctx, job, before, evidence, install.output);
};

/** Steps 3 and 4. */
async function restartAndCheck(ctx: HostContext, job: UpgradeJob, before: ObservedHost, evidence: string[], installOutput: string): Promise<VerbStep> {
  await job.stage('restarting');
  const restarted = await gracefulRestart(ctx, before, { version: job.options.version });
  evidence.push(...restarted.evidence);
  const output = [installOutput, restarted.output].filter((x) => x !== '').join('\n');
  if (restarted.outcome === 'refused' || restarted.outcome === 'unknown') {
    return step(restarted.outcome, `the graceful restart did not complete: ${restarted.summary}`, restarted.after, evidence, output, restarted.errorCode ?? 'restart_failed', restarted.exitCode);
  }
  return check(ctx, job, before, evidence, output);
}

/** Step 4: the checks, then (with rollback on) putting the previous version back when they fail. */
async function check(ctx: HostContext, job: UpgradeJob, before: ObservedHost, evidence: string[], output: string): Promise<VerbStep> {
  const o = job.options;
  await job.stage('verifying');
  const verdict = await verifyUpgrade(ctx, o.version, before.snapshot, o.healthTimeoutMs);
  evidence.push(...verdict.evidence);
  if (verdict.ok) return step('ok', `upgraded ${before.snapshot.version ?? '?'} → ${o.version}: ${verdict.detail}`, verdict.observed.snapshot, evidence, output);
  const failure = verdict.failure ?? 'unhealthy_after';
  if (!o.rollback || before.snapshot.version === o.version) {
    return step('failed', `upgrade to ${o.version} FAILED its checks: ${verdict.detail}; now ${describeSnapshot(verdict.observed.snapshot)} (no rollback)`, verdict.observed.snapshot, evidence, output, failure);
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
async function rollback(ctx: HostContext, job: UpgradeJob, now: ObservedHost): Promise<{ ok: boolean; after: HostSnapshot; evidence: string[]; output: string }> {
  const from = job.options.from;
  const install = await runInstall(ctx, job, from, from);
  const evidence = [`rollback: ${install.evidence}`];
  if (!install.ok) return { ok: false, after: now.snapshot, evidence, output: install.output };
  // A plain (fast) restart: the failed build is not serving well, and the drain was already done once.
  const plain: HostContext = { ...ctx, grace: undefined };
  const current = await observeHost(plain);
  const ran = current.snapshot.state === 'running' ? await restart(plain, current) : await start(plain, current);
  evidence.push(...ran.evidence.map((e) => `rollback: ${e}`));
  const ok = ran.outcome === 'ok' && ran.after.version === from;
  if (ran.outcome === 'ok' && ran.after.version !== from) evidence.push(`rollback: the API reports ${ran.after.version ?? '?'}, not ${from}`);
  return { ok, after: ran.after, evidence, output: [install.output, ran.output].filter((x) => x !== '').join('\n') };
}
