import type { GraceMilestone, GraceProgress } from './grace-progress';

/**
 * SRS's log lines for the stages of a graceful quit (contract sections 3-5). SRS logs `start wait for` and `final
 * wait for` when those waits END (srs_app_server.cpp gracefully_dispose), so the final wait runs between the last
 * `wait for 0 conns` / `source disposed` and `final wait for`.
 */
const LINES = {
  quit: /sig=3, user start gracefully quit/,
  startWait: /start wait for (\d+)ms/,
  listenersClosed: /listeners closed/,
  conns: /wait for (\d+) conns to quit/,
  sourceDisposed: /source disposed/,
  finalWait: /final wait for (\d+)ms/,
  terminated: /srs terminated|srs gracefully quit/,
  fastQuit: /sig=(?:2|15), user terminate program, fast quit/,
  hybridFinished: /quit for thread #\d+\(hybrid\) finished/,
} as const;

const AFTER_DRAIN: ReadonlySet<GraceProgress['stage']> = new Set(['final_wait', 'terminated', 'exited']);

/** The drain is over: every client left (SRS said so, and no force quit cut it short). Returns the milestone once. */
function drained(p: GraceProgress, at: number): GraceMilestone | undefined {
  if (p.escalations.length > 0 || p.stage === 'escalating') return undefined;
  if (!AFTER_DRAIN.has(p.stage)) p.stage = 'final_wait';
  if (p.drainedAt !== undefined) return undefined;
  p.drainedAt = at;
  return 'drained';
}

/**
 * Advances the progress by one SRS log line; returns the milestone the line marks, if any. Pure: the follower feeds
 * it every new line of the host's log, in order.
 */
export function applyLogLine(p: GraceProgress, line: string, at: number): GraceMilestone | undefined {
  if (LINES.listenersClosed.test(line)) {
    const first = p.drainStartAt === undefined;
    if (p.stage !== 'escalating' && !AFTER_DRAIN.has(p.stage)) p.stage = 'listeners_closed';
    p.drainStartAt ??= at;
    return first ? 'listeners_closed' : undefined;
  }
  const conns = LINES.conns.exec(line);
  if (conns) {
    const n = Number(conns[1]);
    p.loggedConns = n;
    if (n === 0) return drained(p, at);
    if (p.stage !== 'escalating' && !AFTER_DRAIN.has(p.stage)) p.stage = 'draining';
    return undefined;
  }
  // With no client at all SRS never logs `wait for N conns`: the drain is over when it disposes the sources.
  if (LINES.sourceDisposed.test(line)) return drained(p, at);
  if (LINES.finalWait.test(line) || LINES.terminated.test(line)) {
    if (p.stage !== 'exited') p.stage = 'terminated';
    return undefined;
  }
  if (LINES.quit.test(line) || LINES.startWait.test(line)) {
    // SRS took the signal: it keeps accepting for grace_start_wait, then closes its listeners. 5.0 only exits.
    if (p.stage === 'preflight' || p.stage === 'signal_sent') p.stage = p.drains === false ? 'no_drain' : 'start_wait';
    return undefined;
  }
  if (LINES.fastQuit.test(line) || LINES.hybridFinished.test(line)) {
    if (p.stage !== 'exited' && p.stage !== 'no_drain') p.stage = 'terminated';
  }
  return undefined;
}
