import type { GraceMilestone, GraceProgress } from './grace-progress';

/** SRS's log lines for the stages of a graceful quit (contract sections 3-5). */
const LINES = {
  quit: /sig=3, user start gracefully quit/,
  startWait: /start wait for (\d+)ms/,
  listenersClosed: /listeners closed/,
  conns: /wait for (\d+) conns to quit/,
  finalWait: /final wait for (\d+)ms/,
  terminated: /srs terminated|srs gracefully quit/,
  fastQuit: /sig=(?:2|15), user terminate program, fast quit/,
  hybridFinished: /quit for thread #\d+\(hybrid\) finished/,
} as const;

/**
 * Advances the progress by one SRS log line; returns the milestone the line marks, if any. Pure: the follower feeds
 * it every new line of the host's log, in order.
 */
export function applyLogLine(p: GraceProgress, line: string, at: number): GraceMilestone | undefined {
  if (LINES.listenersClosed.test(line)) {
    const first = p.stage !== 'listeners_closed' && p.drainStartAt === undefined;
    p.stage = 'listeners_closed';
    p.drainStartAt ??= at;
    return first ? 'listeners_closed' : undefined;
  }
  const conns = LINES.conns.exec(line);
  if (conns) {
    const n = Number(conns[1]);
    p.loggedConns = n;
    if (p.stage !== 'final_wait' && p.stage !== 'terminated' && p.stage !== 'exited') p.stage = 'draining';
    return n === 0 ? 'drained' : undefined;
  }
  if (LINES.finalWait.test(line)) {
    p.stage = 'final_wait';
    return undefined;
  }
  if (LINES.terminated.test(line)) {
    p.stage = 'terminated';
    return undefined;
  }
  if (LINES.quit.test(line) || LINES.startWait.test(line)) {
    // SRS took the signal: it keeps accepting for grace_start_wait, then closes its listeners.
    if (p.stage === 'preflight' || p.stage === 'signal_sent') p.stage = 'start_wait';
    return undefined;
  }
  if (LINES.fastQuit.test(line) || LINES.hybridFinished.test(line)) {
    if (p.stage !== 'exited') p.stage = 'terminated';
  }
  return undefined;
}
