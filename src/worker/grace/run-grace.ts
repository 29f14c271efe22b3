import { drainsOnQuit, type GraceProgress } from '../../core/grace/grace-progress';
import { describeClients } from '../../core/text/plural';
import type { HostContext } from '../srs/host-context';
import { logMark, readLogSince } from '../srs/read-log';
import type { ObservedHost } from '../srs/snapshot';
import { runService } from '../verbs/verb-step';
import { followGrace } from './follow-grace';
import type { GraceCheckpoint, GraceJob } from '../../ports/grace-job-port';
import type { GraceRun, QuitSent } from './grace-run';
import { readGraceSettings } from './read-grace-settings';

const QUIT_LINE = /sig=3, user start gracefully quit/;

/** Starts a graceful quit (or picks up one a previous worker started) and follows it until the process is gone. */
export async function runGrace(ctx: HostContext, job: GraceJob, before: ObservedHost): Promise<GraceRun> {
  const sent: QuitSent = { evidence: [], output: '', exitCode: null };
  const ck = await job.loadCheckpoint();
  if (!ck) {
    const started = await startQuit(ctx, job, before, sent);
    return 'outcome' in started ? started : followGrace(ctx, job, started, sent);
  }
  if (ck.phase === 'sending') await resumeSending(ctx, job, ck, sent);
  else sent.evidence.push('resumed following after a worker restart; SIGQUIT not sent again');
  return followGrace(ctx, job, ck, sent);
}

/**
 * A fresh quit: refused when SRS is not running, or when it does not drain (5.0) and nobody confirmed; otherwise the
 * preflight published, the checkpoint saved (`sending`), SIGQUIT sent, the checkpoint saved again (`sent`).
 */
async function startQuit(ctx: HostContext, job: GraceJob, before: ObservedHost, sent: QuitSent): Promise<GraceCheckpoint | GraceRun> {
  const s = before.snapshot;
  const { evidence, output, exitCode } = sent;
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
  const ck: GraceCheckpoint = {
    v: 1,
    phase: 'sending',
    pid: s.pid,
    mark: logMark(before.probe),
    progress,
    deadlinePrompted: false,
    ...(s.serviceId !== undefined ? { serviceId: s.serviceId } : {}),
  };
  await job.saveCheckpoint(ck);
  await sendQuit(ctx, sent);
  markSent(ck, deadlineMs, (ctx.now ?? Date.now)());
  await job.saveCheckpoint(ck);
  return ck;
}

/** A worker died around sending SIGQUIT: send it only if SRS never logged it (a second SIGQUIT is never sent). */
async function resumeSending(ctx: HostContext, job: GraceJob, ck: GraceCheckpoint, sent: QuitSent): Promise<void> {
  const { lines } = await readLogSince(ctx, ck.mark);
  if (lines.some((l) => QUIT_LINE.test(l))) {
    sent.evidence.push('resumed after a worker restart: SIGQUIT had been sent; not sent again');
  } else {
    sent.evidence.push('resumed after a worker restart: SIGQUIT had not left; sent now');
    await sendQuit(ctx, sent);
  }
  markSent(ck, job.options.deadlineMs ?? job.config.deadlineMs, (ctx.now ?? Date.now)());
  await job.saveCheckpoint(ck);
}

/** Sends SIGQUIT (the `grace` service action), keeping what the command said. */
async function sendQuit(ctx: HostContext, sent: QuitSent): Promise<void> {
  const run = await runService(ctx, 'grace');
  sent.evidence.push(run.evidence);
  sent.output = run.output;
  sent.exitCode = run.exec.code;
}

function markSent(ck: GraceCheckpoint, deadlineMs: number, at: number): void {
  ck.phase = 'sent';
  ck.progress.signalAt ??= at;
  ck.progress.deadlineAt ??= ck.progress.signalAt + deadlineMs;
  if (ck.progress.stage === 'preflight') ck.progress.stage = 'signal_sent';
}
