import path from 'node:path';
import { describeSnapshot, shortCommand } from '../../core/describe-snapshot';
import type { HostSnapshot } from '../../core/verb-result';
import type { HostContext } from '../srs/host-context';
import type { ObservedHost } from '../srs/snapshot';

/** What keeps SRS's init.d `start` from starting anything, and how to get out of it. */
export interface StartBlocker {
  errorCode: 'zombie_pid' | 'foreign_pid';
  /** What is true on the host (one sentence, no fix). */
  reason: string;
  /** What to do about it. */
  fix: string;
  /** One line of evidence. */
  evidence: string;
}

/** The pid file as the host's init.d reads it: the config's path, relative to the root. */
export function pidFilePath(ctx: HostContext, observed: ObservedHost): string {
  const file = observed.probe.pidFile ?? './objs/srs.pid';
  return path.posix.isAbsolute(file) ? path.posix.normalize(file) : path.posix.join(ctx.hostConfig.srsRoot, file);
}

/**
 * SRS's init.d `start` counts the pid file's process as running when `ps -p` finds it: a zombie (exited, not yet
 * reaped by its parent) or a live program that got SRS's old pid (SRS never removes its pid file after a crash or a
 * graceful quit). It then prints `SRS started(pid P), should not start it again.` and starts nothing.
 * `waitedMs`: how long the caller already waited for a zombie to be reaped.
 */
export function startBlocker(ctx: HostContext, observed: ObservedHost, waitedMs = 0): StartBlocker | undefined {
  const s = observed.snapshot;
  const pidFile = pidFilePath(ctx, observed);
  const startAgain = `then \`/srs start ${ctx.hostConfig.name}\``;
  if (s.state === 'zombie') {
    const after = waitedMs > 0 ? ` after ${formatSeconds(waitedMs)}` : '';
    const parent = s.zombieParent ? `its parent, ${parentRef(s)}, has not reaped it` : 'its parent has not reaped it';
    return {
      errorCode: 'zombie_pid',
      reason: `pid ${s.pid ?? '?'} (in ${pidFile}) exited but is still a zombie${after}: ${parent}, and SRS's init.d start counts a zombie as running ("should not start it again")`,
      fix: `To fix: have ${s.zombieParent ? `pid ${s.zombieParent.pid}` : 'the parent'} reap it (or run SRS under an init that reaps exited daemons), or remove the stale pid file ${pidFile}; ${startAgain}`,
      evidence: `pid ${s.pid ?? '?'} still a zombie${after} (parent ${s.zombieParent ? parentRef(s) : 'unknown'}): init.d start not run`,
    };
  }
  if (s.state === 'foreign_pid') {
    const what = s.pidCommand !== undefined && s.pidCommand !== '' ? `\`${shortCommand(s.pidCommand)}\`` : 'another program';
    return {
      errorCode: 'foreign_pid',
      reason: `pid ${s.pid ?? '?'} in ${pidFile} is ${what}, not SRS; SRS's init.d counts it as running and refuses to start`,
      fix: `The pid file is stale (SRS never removes it after a crash or a graceful quit): remove ${pidFile}, ${startAgain}`,
      evidence: `pid ${s.pid ?? '?'} is ${what}, not SRS: init.d start not run`,
    };
  }
  return undefined;
}

/**
 * After init.d answered `should not start it again` (and SRS does not run now): what it counted as running, from
 * what the host is now.
 */
export function refusalReason(ctx: HostContext, refusedPid: string | undefined, now: ObservedHost): { reason: string; fix: string } {
  const blocker = startBlocker(ctx, now);
  const said = `SRS's init.d refused to start ("SRS started(pid ${refusedPid ?? '?'}), should not start it again."): it counted pid ${refusedPid ?? '?'} as running`;
  if (blocker) return { reason: `${said}; ${blocker.reason}`, fix: blocker.fix };
  const s = now.snapshot;
  if (s.state === 'running') {
    return {
      reason: `${said}; SRS runs, but not as a new process that serves (${describeSnapshot(s)})`,
      fix: `Check it with \`/srs status ${ctx.hostConfig.name}\``,
    };
  }
  return {
    reason: `${said}; that process is gone now (${describeSnapshot(s)})`,
    fix: `Nothing was started: run \`/srs start ${ctx.hostConfig.name}\` again`,
  };
}

function parentRef(s: HostSnapshot): string {
  const p = s.zombieParent;
  if (!p) return 'unknown';
  return p.command !== undefined && p.command !== '' ? `pid ${p.pid} (\`${shortCommand(p.command)}\`)` : `pid ${p.pid}`;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
