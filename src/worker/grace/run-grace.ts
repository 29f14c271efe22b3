import { applyLogLine } from '../../core/grace/apply-log-line';
import { addSample, drainsOnQuit, type GraceMilestone, type GraceProgress } from '../../core/grace/grace-progress';
import { connectedText, droppedAtExit, exitDetail, exitSummary } from '../../core/grace/exit-report';
import { describeClients, plural } from '../../core/text/plural';
import { asChatopsError, ErrorCode } from '../../core/errors';
import type { Outcome } from '../../core/verb-result';
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
      const progress: GraceProgress = {
        host: ctx.hostConfig.name,
        stage: 'preflight',
        settings: { startWaitMs: 0, finalWaitMs: 0, forceGraceQuit: false },
        samples: [],
        escalations: [],
      };
      return { outcome: 'refused', summary: 'no graceful quit: SRS is not running', evidence, progress, exitCode, output };
    }
    const settings = await readGraceSettings(ctx, s.pid);
    const progress: GraceProgress = { host: ctx.hostConfig.name, stage: 'preflight', pid: s.pid, settings, samples: [], escalations: [] };
    if (s.version !== undefined) {
      progress.version = s.version;
      progress.drains = drainsOnQuit(s.version);
    }
    if (s.clients !== undefined) progress.playersAtStart = s.clients;
    if (s.publishers !== undefined) progress.publishersAtStart = s.publishers;
    if (progress.drains === false && job.options.confirmed !== true) {
      return {
        outcome: 'refused',
        errorCode: 'confirmation_required',
        summary: `SRS ${s.version ?? '?'} does not drain: after SIGQUIT it exits within about 2 s and drops every client connected then (now: ${describeClients(s.clients, s.publishers)}). Nothing was sent; confirm with the button to quit anyway.`,
        evidence: ['SRS 5.0 ignores the drain (upstream issue 3805, fixed in 6.0.132)'],
        progress,
        exitCode,
        output,
      };
    }
    if (s.version === undefined) evidence.push('API did not answer: version unknown, 5.0 check skipped');
    const deadlineMs = job.options.deadlineMs ?? job.config.deadlineMs;
    await job.preflight(progress, deadlineMs);
    ck = {
      v: 1,
      phase: 'sending',
      pid: s.pid,
      mark: logMark(before.probe),
      progress,
      deadlinePrompted: false,
      ...(s.serviceId !== undefined ? { serviceId: s.serviceId } : {}),
    };
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

async function follow(
  ctx: HostContext,
  job: GraceJob,
  ck: GraceCheckpoint,
  evidence: string[],
  output: string,
  exitCode: number | null,
): Promise<GraceRun> {
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
      return {
        outcome: 'unknown',
        summary: `left draining at ${decided.by}'s request: ${connectedText(p)} still connected; SRS exits when they leave (no longer watched)`,
        evidence,
        progress: p,
        exitCode,
        output,
        ...(ck.serviceId ? { serviceId: ck.serviceId } : {}),
      };
    }
    if (decided?.decision === 'extend') {
      p.deadlineAt = Math.max(p.deadlineAt ?? now, now) + job.config.extendMs;
      ck.deadlinePrompted = false;
      evidence.push(`deadline extended by ${decided.by}`);
    }
    if (
      decided?.decision === 'force' ||
      (job.autoEscalate && p.deadlineAt !== undefined && now >= p.deadlineAt && ck.sigintAt === undefined)
    ) {
      if (ck.sigintAt === undefined) {
        const by = decided ? decided.by : `automatic escalation (${job.autoEscalateReason ?? 'policy'})`;
        const sent = await signalSrs(ctx, ck.pid, 'INT');
        ck.sigintAt = clock();
        p.stage = 'escalating';
        p.escalations.push(`SIGINT at ${Math.round((ck.sigintAt - (p.signalAt ?? ck.sigintAt)) / 1000)}s by ${by}`);
        if (sent.established !== undefined) p.forcedOff = sent.established;
        evidence.push(`force quit: SIGINT by ${by} (${sent.said}${forcedText(sent.established)})`);
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
    const gone = tick.procState === 'gone' || tick.procState === 'Z' || tick.procState === 'X';
    // The count first, then the log: a milestone carries the connections seen at the same look. Only a live process's
    // sockets count: an exited one (zombie included) has none, and the last live count is what it dropped.
    if (tick.established !== undefined && !gone) addSample(p, clock(), tick.established);
    for (const line of tick.lines) {
      const m = applyLogLine(p, line, clock());
      if (m) await milestone(m);
    }
    // An exited process (a zombie included) holds no socket: a listener still on its ports is another program's.
    if (gone) {
      const escalated = ck.sigintAt !== undefined;
      const { dropped, fromApi } = droppedAtExit(p, escalated);
      if (dropped !== undefined) p.dropped = dropped;
      p.stage = 'exited';
      p.exitedAt = clock();
      p.clients = 0;
      await job.saveCheckpoint(ck);
      const zombie = tick.procState === 'Z';
      await milestone('exited', exitDetail(p, escalated, zombie ? ck.pid : undefined));
      evidence.push(
        `pid ${ck.pid} ${zombie ? 'exited (a zombie until reaped)' : 'gone'}, ${tick.listening.length === 0 ? 'media and API ports closed' : `port ${tick.listening.join(', ')} now held by another program`}`,
      );
      return {
        outcome: 'ok',
        summary: exitSummary(p, escalated, fromApi),
        evidence,
        progress: p,
        exitCode,
        output,
        ...(ck.serviceId ? { serviceId: ck.serviceId } : {}),
      };
    }
    if (
      ck.sigintAt !== undefined &&
      ck.sigkillAt === undefined &&
      clock() > ck.sigintAt + p.settings.finalWaitMs + job.config.killMarginMs
    ) {
      const sent = await signalSrs(ctx, ck.pid, 'KILL');
      ck.sigkillAt = clock();
      p.escalations.push(
        `SIGKILL at ${Math.round((ck.sigkillAt - (p.signalAt ?? ck.sigkillAt)) / 1000)}s (alive ${p.settings.finalWaitMs + job.config.killMarginMs} ms after SIGINT)`,
      );
      // Clients still there at SIGKILL were there at SIGINT too (listeners closed): the total forced off is the larger.
      if (sent.established !== undefined) p.forcedOff = Math.max(p.forcedOff ?? 0, sent.established);
      evidence.push(`SIGKILL: still alive after grace_final_wait + margin (${sent.said}${forcedText(sent.established)})`);
      await milestone('escalated', 'SIGKILL: still alive after SIGINT');
    }
    if (p.deadlineAt !== undefined && clock() >= p.deadlineAt && !ck.deadlinePrompted && ck.sigintAt === undefined && !job.autoEscalate) {
      ck.deadlinePrompted = true;
      await job.deadline(p);
      await milestone('deadline', `${connectedText(p)} still connected`);
    }
    if (p.stage !== lastStage || clock() - lastPublished >= PROGRESS_EVERY_MS) {
      lastStage = p.stage;
      lastPublished = clock();
      await job.progress(p);
    }
    await job.saveCheckpoint(ck);
    if (clock() - startedFollowing > job.config.maxFollowMs) {
      return {
        outcome: 'unknown',
        summary: `still draining after ${Math.round(job.config.maxFollowMs / 60000)} min; stopped watching (SRS exits when its clients leave)`,
        evidence,
        progress: p,
        exitCode,
        output,
      };
    }
    await ctx.sleep(job.config.pollMs);
  }
}

/** `; 2 clients forced off` for a signal that was sent with its count ('' without one). */
function forcedText(established: number | undefined): string {
  return established === undefined ? '' : `; ${plural(established, 'client')} forced off`;
}
