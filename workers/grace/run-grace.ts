import { isDown } from '../../src/core/describe-snapshot';
import { applyLogLine } from '../../src/core/grace/apply-log-line';
import { addSample, type GraceMilestone, type GraceProgress } from '../../src/core/grace/grace-progress';
import { asChatopsError, ErrorCode } from '../../src/core/errors';
import type { Outcome } from '../../src/core/verb-result';
import type { HostContext } from '../srs/host-context';
import { logMark, readLogSince } from '../srs/read-log';
import type { ObservedHost } from '../srs/snapshot';
import { runService } from '../verbs/verb-step';
import { followTick, signalSrs } from './follow-tick';
import type { GraceCheckpoint, GraceJob } from './grace-job';
import { readGraceSettings } from './read-grace-settings';

/** How a followed graceful quit ended. */
export interface GraceRun {
  outcome: Outcome;
  summary: string;
  evidence: string[];
  progress: GraceProgress;
  exitCode: number | null;
  output: string;
  errorCode?: string;
  /** The pre-quit API service id (a graceful restart must show a new one). */
  serviceId?: string;
}

const PROGRESS_EVERY_MS = 2000;
const QUIT_LINE = /sig=3, user start gracefully quit/;

function lostOrThrow(err: unknown): string {
  const e = asChatopsError(err);
  if (!e.retryable && e.code !== ErrorCode.Internal) throw e;
  return e.userMessage;
}

/** Starts a graceful quit (or picks up one a previous worker started) and follows it until the process is gone. */
export async function runGrace(ctx: HostContext, job: GraceJob, before: ObservedHost): Promise<GraceRun> {
  const now = ctx.now ?? Date.now;
  const evidence: string[] = [];
  let output = '';
  let exitCode: number | null = null;
  let ck = await job.loadCheckpoint();

  if (!ck) {
    const s = before.snapshot;
    if (s.state !== 'running' || s.pid === undefined) {
      const progress: GraceProgress = { host: ctx.host.name, stage: 'preflight', settings: { startWaitMs: 0, finalWaitMs: 0, forceGraceQuit: false }, samples: [], escalations: [] };
      return { outcome: 'refused', summary: 'no graceful quit: SRS is not running', evidence, progress, exitCode, output };
    }
    const settings = await readGraceSettings(ctx, s.pid);
    const progress: GraceProgress = { host: ctx.host.name, stage: 'preflight', pid: s.pid, settings, samples: [], escalations: [] };
    if (s.version !== undefined) progress.version = s.version;
    if (s.clients !== undefined) progress.clientsAtStart = s.clients;
    if (s.publishers !== undefined) progress.publishersAtStart = s.publishers;
    if (s.version !== undefined && /^5\./.test(s.version) && job.options.confirmed !== true) {
      return {
        outcome: 'refused',
        errorCode: 'confirmation_required',
        summary: `SRS ${s.version} does not drain: SIGQUIT would drop all ${s.clients ?? '?'} clients at once. Nothing was sent; confirm with the button to quit anyway.`,
        evidence: ['SRS 5.0 ignores the drain (upstream issue 3805, fixed in 6.0.132)'],
        progress,
        exitCode,
        output,
      };
    }
    if (s.version === undefined) evidence.push('API did not answer: version unknown, 5.0 check skipped');
    const deadlineMs = job.options.deadlineMs ?? job.config.deadlineMs;
    await job.preflight(progress, deadlineMs);
    ck = { v: 1, phase: 'sending', pid: s.pid, mark: logMark(before.probe), progress, deadlinePrompted: false, ...(s.serviceId !== undefined ? { serviceId: s.serviceId } : {}) };
    await job.saveCheckpoint(ck);
    const run = await runService(ctx, 'grace');
    evidence.push(run.evidence);
    output = run.output;
    exitCode = run.exec.code;
    markSent(ck, deadlineMs, now());
    await job.saveCheckpoint(ck);
  } else if (ck.phase === 'sending') {
    // A worker died around sending SIGQUIT: send it only if SRS never logged it (a second SIGQUIT is never sent).
    const { lines } = await readLogSince(ctx, ck.mark);
    if (lines.some((l) => QUIT_LINE.test(l))) {
      evidence.push('resumed after a worker restart: SIGQUIT had been sent; not sent again');
    } else {
      const run = await runService(ctx, 'grace');
      evidence.push('resumed after a worker restart: SIGQUIT had not left; sent now', run.evidence);
      output = run.output;
      exitCode = run.exec.code;
    }
    markSent(ck, job.options.deadlineMs ?? job.config.deadlineMs, now());
    await job.saveCheckpoint(ck);
  } else {
    evidence.push('resumed following after a worker restart; SIGQUIT not sent again');
  }
  return follow(ctx, job, ck, evidence, output, exitCode);
}

function markSent(ck: GraceCheckpoint, deadlineMs: number, at: number): void {
  ck.phase = 'sent';
  ck.progress.signalAt ??= at;
  ck.progress.deadlineAt ??= ck.progress.signalAt + deadlineMs;
  if (ck.progress.stage === 'preflight') ck.progress.stage = 'signal_sent';
}

async function follow(ctx: HostContext, job: GraceJob, ck: GraceCheckpoint, evidence: string[], output: string, exitCode: number | null): Promise<GraceRun> {
  const clock = ctx.now ?? Date.now;
  const p = ck.progress;
  const startedFollowing = clock();
  let lastPublished = 0;
  let lastStage = p.stage;
  const milestone = async (m: GraceMilestone, detail?: string) => {
    await job.milestone(p, m, detail);
    lastPublished = clock();
  };
  for (;;) {
    const now = clock();
    const decided = await job.nextDecision();
    if (decided?.decision === 'leave') {
      p.stage = 'left_draining';
      p.deadlineAt = undefined;
      await job.saveCheckpoint(ck);
      await job.progress(p);
      return { outcome: 'unknown', summary: `left draining at ${decided.by}'s request: ${p.clients ?? p.loggedConns ?? '?'} clients still connected; SRS exits when they leave (no longer watched)`, evidence, progress: p, exitCode, output, ...(ck.serviceId ? { serviceId: ck.serviceId } : {}) };
    }
    if (decided?.decision === 'extend') {
      p.deadlineAt = Math.max(p.deadlineAt ?? now, now) + job.config.extendMs;
      ck.deadlinePrompted = false;
      evidence.push(`deadline extended by ${decided.by}`);
    }
    if (decided?.decision === 'force' || (job.autoEscalate && p.deadlineAt !== undefined && now >= p.deadlineAt && ck.sigintAt === undefined)) {
      if (ck.sigintAt === undefined) {
        const by = decided ? decided.by : 'automatic escalation (group policy)';
        const said = await signalSrs(ctx, ck.pid, 'INT');
        ck.sigintAt = clock();
        p.stage = 'escalating';
        p.escalations.push(`SIGINT at ${Math.round((ck.sigintAt - (p.signalAt ?? ck.sigintAt)) / 1000)}s by ${by}`);
        evidence.push(`force quit: SIGINT by ${by} (${said})`);
        await milestone('escalated', `SIGINT sent by ${by}`);
      }
    }
    let tick;
    try {
      tick = await followTick(ctx, ck.mark, ck.pid);
    } catch (err) {
      const why = lostOrThrow(err);
      if (p.connectionLost !== true) {
        p.connectionLost = true;
        evidence.push(`connection lost while following (${why}); resumed from the log position`);
        await milestone('connection_lost', why);
      }
      await ctx.sleep(Math.min(5000, job.config.pollMs * 2));
      continue;
    }
    if (p.connectionLost === true) {
      p.connectionLost = false;
      await milestone('resumed');
    }
    ck.mark = tick.mark;
    for (const line of tick.lines) {
      const m = applyLogLine(p, line, clock());
      if (m) await milestone(m);
    }
    if (tick.established !== undefined && tick.procState !== 'gone') addSample(p, clock(), tick.established);
    const gone = tick.procState === 'gone' || tick.procState === 'Z' || tick.procState === 'X';
    if (gone && tick.listening.length === 0) {
      p.stage = 'exited';
      p.exitedAt = clock();
      p.clients = 0;
      await job.saveCheckpoint(ck);
      await milestone('exited', tick.procState === 'Z' ? 'zombie, not reaped by its parent' : undefined);
      evidence.push(`pid ${ck.pid} gone${tick.procState === 'Z' ? ' (zombie)' : ''}, media and API ports closed`);
      const escalated = ck.sigintAt !== undefined;
      const took = p.signalAt !== undefined ? Math.round((p.exitedAt - p.signalAt) / 100) / 10 : undefined;
      return {
        outcome: 'ok',
        summary: escalated ? `exited after a force quit (${p.escalations.join(', ')}), ${took ?? '?'}s after SIGQUIT` : `drained and exited ${took ?? '?'}s after SIGQUIT`,
        evidence,
        progress: p,
        exitCode,
        output,
        ...(ck.serviceId ? { serviceId: ck.serviceId } : {}),
      };
    }
    if (ck.sigintAt !== undefined && ck.sigkillAt === undefined && clock() > ck.sigintAt + p.settings.finalWaitMs + job.config.killMarginMs) {
      const said = await signalSrs(ctx, ck.pid, 'KILL');
      ck.sigkillAt = clock();
      p.escalations.push(`SIGKILL at ${Math.round((ck.sigkillAt - (p.signalAt ?? ck.sigkillAt)) / 1000)}s (alive ${p.settings.finalWaitMs + job.config.killMarginMs} ms after SIGINT)`);
      evidence.push(`SIGKILL: still alive after grace_final_wait + margin (${said})`);
      await milestone('escalated', 'SIGKILL: still alive after SIGINT');
    }
    if (p.deadlineAt !== undefined && clock() >= p.deadlineAt && !ck.deadlinePrompted && ck.sigintAt === undefined && !job.autoEscalate) {
      ck.deadlinePrompted = true;
      await job.deadline(p);
      await milestone('deadline', `${p.clients ?? p.loggedConns ?? '?'} clients still connected`);
    }
    if (p.stage !== lastStage || clock() - lastPublished >= PROGRESS_EVERY_MS) {
      lastStage = p.stage;
      lastPublished = clock();
      await job.progress(p);
    }
    await job.saveCheckpoint(ck);
    if (clock() - startedFollowing > job.config.maxFollowMs) {
      return { outcome: 'unknown', summary: `still draining after ${Math.round(job.config.maxFollowMs / 60000)} min; stopped watching (SRS exits when its clients leave)`, evidence, progress: p, exitCode, output };
    }
    await ctx.sleep(job.config.pollMs);
  }
}

/** True when the snapshot says SRS is gone. */
export function exitedSnapshot(o: ObservedHost): boolean {
  return isDown(o.snapshot) && o.probe.listening.length === 0;
}
