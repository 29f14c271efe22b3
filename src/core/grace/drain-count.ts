import type { DrainCount } from '../verb-result';
import type { GraceProgress } from './grace-progress';

/**
 * The clients of one graceful quit, from the progress the follower kept: connected when SIGQUIT went out, gone on
 * their own, forced off at a force quit (SIGINT, SIGKILL), dropped by an SRS that exited without draining.
 *
 * Publishers count. They are media clients like viewers: SRS waits for every connection (players and publishers)
 * before it exits, and the host's socket count that says who was forced off (`established` at SIGINT/SIGKILL) or
 * dropped cannot tell them apart. So `atStart` is the API's players plus publishers before the quit, and
 * `drained + forcedOff + dropped` is `atStart` plus `arrived`: a client that connected during grace_start_wait and was
 * forced off is counted by the host at the force quit, not by the API before; `arrived` says how many such.
 *
 * `deadlineHit`: the drain deadline was reached before the process exited (forced at it, or the requester asked);
 * a force quit asked before the deadline is not a deadline hit. `now` judges a quit that has not ended.
 */
export function drainCount(p: GraceProgress, now?: number): DrainCount {
  const forcedOff = p.forcedOff ?? 0;
  const dropped = p.dropped ?? 0;
  const atStart = p.playersAtStart === undefined ? undefined : p.playersAtStart + (p.publishersAtStart ?? 0);
  // Without a start count, the clients that left by themselves are not known: none are claimed.
  const drained = atStart === undefined ? 0 : Math.max(0, atStart - forcedOff - dropped);
  // More forced off than were there at SIGQUIT: the rest arrived before the listeners closed (said, not hidden).
  const arrived = atStart === undefined ? 0 : Math.max(0, forcedOff + dropped - atStart);
  const end = p.exitedAt ?? now;
  const deadlineHit = p.deadlineAt !== undefined && end !== undefined && end >= p.deadlineAt;
  return { ...(atStart !== undefined ? { atStart } : {}), ...(arrived > 0 ? { arrived } : {}), drained, forcedOff, dropped, deadlineHit };
}

/** The drain count of a quit whose signal went out; undefined when nothing was sent (refused, not running). */
export function drainOfQuit(p: GraceProgress, now?: number): DrainCount | undefined {
  return p.signalAt === undefined ? undefined : drainCount(p, now);
}
