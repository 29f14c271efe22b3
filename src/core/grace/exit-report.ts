import { plural } from '../text/plural';
import type { GraceProgress } from './grace-progress';

/** The clients still connected, as counted on the host (else as SRS last logged them): `3 clients`, `? clients`. */
export function connectedText(p: GraceProgress): string {
  const n = p.clients ?? p.loggedConns;
  return n === undefined ? '? clients' : plural(n, 'client');
}

/**
 * The clients an exit dropped: none when SRS logged the end of the drain, or when a force quit took them (counted
 * when the signal went out); otherwise the media connections of the last look at the live process (5.0 keeps every
 * socket until it exits), or the API's count before SIGQUIT when the host never showed one.
 */
export function droppedAtExit(p: GraceProgress, escalated: boolean): { dropped?: number; fromApi: boolean } {
  if (escalated || p.drainedAt !== undefined) return { dropped: 0, fromApi: false };
  if (p.clients !== undefined) return { dropped: p.clients, fromApi: false };
  if (p.playersAtStart === undefined) return { fromApi: false };
  return { dropped: p.playersAtStart + (p.publishersAtStart ?? 0), fromApi: true };
}

/** Seconds from SIGQUIT to the exit, one decimal. */
function took(p: GraceProgress): string {
  return p.signalAt !== undefined && p.exitedAt !== undefined ? `${Math.round((p.exitedAt - p.signalAt) / 100) / 10}s` : '?s';
}

/**
 * The result of a quit that ended with the process gone (`p` already marked exited, with `dropped`/`forcedOff`):
 * drained, quit without draining (clients dropped at exit), or forced (clients forced off).
 */
export function exitSummary(p: GraceProgress, escalated: boolean, droppedFromApi = false): string {
  if (escalated) {
    const forced = p.forcedOff !== undefined ? `: ${plural(p.forcedOff, 'client')} forced off` : '';
    return `exited after a force quit (${p.escalations.join(', ')})${forced}, ${took(p)} after SIGQUIT`;
  }
  if (p.dropped !== undefined && p.dropped > 0) {
    const counted = droppedFromApi ? ' (API count before SIGQUIT)' : '';
    return `SRS ${p.version ?? '?'} quit without draining: ${plural(p.dropped, 'client')}${counted} dropped when it exited ${took(p)} after SIGQUIT`;
  }
  return `drained and exited ${took(p)} after SIGQUIT`;
}

/** The `exited` milestone's detail: who was dropped or forced off, and a zombie waiting for its parent. */
export function exitDetail(p: GraceProgress, escalated: boolean, zombiePid?: number): string | undefined {
  const parts: string[] = [];
  if (escalated && p.forcedOff !== undefined) parts.push(`${plural(p.forcedOff, 'client')} forced off`);
  if (!escalated && p.dropped !== undefined && p.dropped > 0) parts.push(`${plural(p.dropped, 'client')} dropped at exit: no drain`);
  if (zombiePid !== undefined) parts.push(`pid ${zombiePid} is a zombie until its parent reaps it`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}
