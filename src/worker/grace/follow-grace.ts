import { applyLogLine } from '../../core/grace/apply-log-line';
import { addSample, type GraceMilestone, type GraceStage } from '../../core/grace/grace-progress';
import { connectedText, droppedAtExit, exitDetail, exitSummary } from '../../core/grace/exit-report';
import { plural } from '../../core/text/plural';
import { asChatopsError, ErrorCode } from '../../core/errors';
import type { Outcome } from '../../core/verb-result';
import type { HostContext } from '../srs/host-context';
import { followTick, signalSrs, type FollowTick } from './follow-tick';
import type { GraceCheckpoint, GraceJob } from '../../ports/grace-job-port';
import type { GraceRun, QuitSent } from './grace-run';

const PROGRESS_EVERY_MS = 2000;

/** A quit being followed: the host, its job and checkpoint, what the result will say, and when progress was last published. */
interface Following {
  ctx: HostContext;
  job: GraceJob;
  ck: GraceCheckpoint;
  sent: QuitSent;
  clock: () => number;
  lastPublished: number;
  lastStage: GraceStage;
}

/**
 * Follows a quit whose signal has left until the process is gone (`ok`), the requester leaves it draining, or
 * `maxFollowMs` passes (`unknown`): each poll takes a decision (leave, extend, force), looks at the host (process,
 * sockets, log), escalates when due (SIGINT at the deadline or on request, SIGKILL when SIGINT did not end it), and
 * publishes progress.
 */
export async function followGrace(ctx: HostContext, job: GraceJob, ck: GraceCheckpoint, sent: QuitSent): Promise<GraceRun> {
  const clock = ctx.now ?? Date.now;
  const f: Following = { ctx, job, ck, sent, clock, lastPublished: 0, lastStage: ck.progress.stage };
  const startedFollowing = clock();
  for (;;) {
    const left = await takeDecision(f);
    if (left !== undefined) return left;
    const tick = await look(f);
    if (tick === undefined) continue;
    if (await record(f, tick)) return exited(f, tick);
    await killIfStuck(f);
    await promptDeadline(f);
    await publish(f);
    await job.saveCheckpoint(ck);
    if (clock() - startedFollowing > job.config.maxFollowMs) {
      const summary = `still draining after ${Math.round(job.config.maxFollowMs / 60000)} min; stopped watching (SRS exits when its clients leave)`;
      return result(f, 'unknown', summary, false);
    }
    await ctx.sleep(job.config.pollMs);
  }
}

/** The requester's decision, if any: leave (ends the follow), extend the deadline, or force the quit (SIGINT). */
async function takeDecision(f: Following): Promise<GraceRun | undefined> {
  const { job, ck } = f;
  const p = ck.progress;
  const now = f.clock();
  const decided = await job.nextDecision();
  if (decided?.decision === 'leave') {
    p.stage = 'left_draining';
    p.deadlineAt = undefined;
    await job.saveCheckpoint(ck);
    await job.progress(p);
    const summary = `left draining at ${decided.by}'s request: ${connectedText(p)} still connected; SRS exits when they leave (no longer watched)`;
    return result(f, 'unknown', summary, true);
  }
  if (decided?.decision === 'extend') {
    p.deadlineAt = Math.max(p.deadlineAt ?? now, now) + job.config.extendMs;
    ck.deadlinePrompted = false;
    f.sent.evidence.push(`deadline extended by ${decided.by}`);
  }
  const due = job.autoEscalate && p.deadlineAt !== undefined && now >= p.deadlineAt;
  if ((decided?.decision === 'force' || due) && ck.sigintAt === undefined) {
    await sendSigint(f, decided ? decided.by : `automatic escalation (${job.autoEscalateReason ?? 'policy'})`);
  }
  return undefined;
}

async function sendSigint(f: Following, by: string): Promise<void> {
  const { ck } = f;
  const p = ck.progress;
  const sent = await signalSrs(f.ctx, ck.pid, 'INT');
  ck.sigintAt = f.clock();
  p.stage = 'escalating';
  p.escalations.push(`SIGINT at ${Math.round((ck.sigintAt - (p.signalAt ?? ck.sigintAt)) / 1000)}s by ${by}`);
  if (sent.established !== undefined) p.forcedOff = sent.established;
  f.sent.evidence.push(`force quit: SIGINT by ${by} (${sent.said}${forcedText(sent.established)})`);
  await milestone(f, 'escalated', `SIGINT sent by ${by}`);
}

/** One look at the host; undefined (after a pause) when the connection failed, which is said once until it is back. */
async function look(f: Following): Promise<FollowTick | undefined> {
  const { ctx, job, ck } = f;
  const p = ck.progress;
  let tick;
  try {
    tick = await followTick(ctx, ck.mark, ck.pid);
  } catch (err) {
    const why = lostOrThrow(err);
    if (p.connectionLost !== true) {
      p.connectionLost = true;
      f.sent.evidence.push(`connection lost while following (${why}); resumed from the log position`);
      await milestone(f, 'connection_lost', why);
    }
    await ctx.sleep(Math.min(5000, job.config.pollMs * 2));
    return undefined;
  }
  if (p.connectionLost === true) {
    p.connectionLost = false;
    await milestone(f, 'resumed');
  }
  return tick;
}

function lostOrThrow(err: unknown): string {
  const e = asChatopsError(err);
  if (!e.retryable && e.code !== ErrorCode.Internal) throw e;
  return e.userMessage;
}

/** Takes in what a look saw (connections, then log lines and their milestones); true when the process is gone. */
async function record(f: Following, tick: FollowTick): Promise<boolean> {
  const p = f.ck.progress;
  f.ck.mark = tick.mark;
  const gone = tick.procState === 'gone' || tick.procState === 'Z' || tick.procState === 'X';
  // The count first, then the log: a milestone carries the connections seen at the same look. Only a live process's
  // sockets count: an exited one (zombie included) has none, and the last live count is what it dropped.
  if (tick.established !== undefined && !gone) addSample(p, f.clock(), tick.established);
  for (const line of tick.lines) {
    const m = applyLogLine(p, line, f.clock());
    if (m) await milestone(f, m);
  }
  return gone;
}

/** The process is gone: what it dropped, the `exited` milestone, and the `ok` result. */
async function exited(f: Following, tick: FollowTick): Promise<GraceRun> {
  const { ck } = f;
  const p = ck.progress;
  // An exited process (a zombie included) holds no socket: a listener still on its ports is another program's.
  const escalated = ck.sigintAt !== undefined;
  const { dropped, fromApi } = droppedAtExit(p, escalated);
  if (dropped !== undefined) p.dropped = dropped;
  p.stage = 'exited';
  p.exitedAt = f.clock();
  p.clients = 0;
  await f.job.saveCheckpoint(ck);
  const zombie = tick.procState === 'Z';
  await milestone(f, 'exited', exitDetail(p, escalated, zombie ? ck.pid : undefined));
  f.sent.evidence.push(
    `pid ${ck.pid} ${zombie ? 'exited (a zombie until reaped)' : 'gone'}, ${tick.listening.length === 0 ? 'media and API ports closed' : `port ${tick.listening.join(', ')} now held by another program`}`,
  );
  return result(f, 'ok', exitSummary(p, escalated, fromApi), true);
}

/** SIGKILL when the process outlived SIGINT by grace_final_wait plus the margin (once). */
async function killIfStuck(f: Following): Promise<void> {
  const { ck, job } = f;
  const p = ck.progress;
  if (ck.sigintAt === undefined || ck.sigkillAt !== undefined) return;
  if (f.clock() <= ck.sigintAt + p.settings.finalWaitMs + job.config.killMarginMs) return;
  const sent = await signalSrs(f.ctx, ck.pid, 'KILL');
  ck.sigkillAt = f.clock();
  p.escalations.push(
    `SIGKILL at ${Math.round((ck.sigkillAt - (p.signalAt ?? ck.sigkillAt)) / 1000)}s (alive ${p.settings.finalWaitMs + job.config.killMarginMs} ms after SIGINT)`,
  );
  // Clients still there at SIGKILL were there at SIGINT too (listeners closed): the total forced off is the larger.
  if (sent.established !== undefined) p.forcedOff = Math.max(p.forcedOff ?? 0, sent.established);
  f.sent.evidence.push(`SIGKILL: still alive after grace_final_wait + margin (${sent.said}${forcedText(sent.established)})`);
  await milestone(f, 'escalated', 'SIGKILL: still alive after SIGINT');
}

/** At the deadline, without automatic escalation: asks the requester once (extend, force or leave). */
async function promptDeadline(f: Following): Promise<void> {
  const { ck, job } = f;
  const p = ck.progress;
  if (p.deadlineAt === undefined || f.clock() < p.deadlineAt || ck.deadlinePrompted || ck.sigintAt !== undefined || job.autoEscalate)
    return;
  ck.deadlinePrompted = true;
  await job.deadline(p);
  await milestone(f, 'deadline', `${connectedText(p)} still connected`);
}

/** Progress, when the stage changed or every {@link PROGRESS_EVERY_MS}. */
async function publish(f: Following): Promise<void> {
  const p = f.ck.progress;
  if (p.stage === f.lastStage && f.clock() - f.lastPublished < PROGRESS_EVERY_MS) return;
  f.lastStage = p.stage;
  f.lastPublished = f.clock();
  await f.job.progress(p);
}

async function milestone(f: Following, m: GraceMilestone, detail?: string): Promise<void> {
  await f.job.milestone(f.ck.progress, m, detail);
  f.lastPublished = f.clock();
}

function result(f: Following, outcome: Outcome, summary: string, withServiceId: boolean): GraceRun {
  const { evidence, output, exitCode } = f.sent;
  const serviceId = withServiceId ? f.ck.serviceId : undefined;
  return { outcome, summary, evidence, progress: f.ck.progress, exitCode, output, ...(serviceId ? { serviceId } : {}) };
}

/** `; 2 clients forced off` for a signal that was sent with its count ('' without one). */
function forcedText(established: number | undefined): string {
  return established === undefined ? '' : `; ${plural(established, 'client')} forced off`;
}
