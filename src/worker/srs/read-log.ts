import type { HostContext } from './host-context';
import type { ProbeResult } from './parse-probe';
import { LOG_SINCE_SCRIPT, scriptArgv } from './remote-scripts';
import type { LogMark } from '../../core/log-mark';

export type { LogMark } from '../../core/log-mark';

const MAX_LOG_BYTES = 256 * 1024;

/** Where the log ends now, from a probe (or the start of a file not created yet). */
export function logMark(probe: ProbeResult): LogMark {
  return { file: probe.logFile ?? './objs/srs.log', inode: probe.log?.inode ?? '0', offset: probe.log?.size ?? 0 };
}

/**
 * Where the launcher's output file (`<log>.sys`, which SRS's init.d appends `objs/srs`'s own output to) ends now: SRS
 * writes errors from before its log is open there only, a config syntax error among them.
 */
export function launcherLogMark(probe: ProbeResult): LogMark {
  return { file: `${probe.logFile ?? './objs/srs.log'}.sys`, inode: probe.launcherLog?.inode ?? '0', offset: probe.launcherLog?.size ?? 0 };
}

/** The log lines written since `mark` (reads a replaced or truncated file from its start). */
export async function readLogSince(ctx: HostContext, mark: LogMark): Promise<{ lines: string[]; mark: LogMark }> {
  const res = await ctx.ssh.exec(ctx.target, {
    argv: scriptArgv(LOG_SINCE_SCRIPT, 'srs-log', [
      ctx.hostConfig.srsRoot,
      mark.file,
      mark.inode,
      String(mark.offset),
      String(MAX_LOG_BYTES),
    ]),
    timeoutMs: Math.min(ctx.commandTimeoutMs, 15000),
  });
  const sep = res.stdout.indexOf('\n---\n');
  if (res.code === null || sep < 0) return { lines: [], mark };
  const stat = /^log_stat=(\S+) (\d+)/.exec(res.stdout.slice(0, sep));
  const body = res.stdout.slice(sep + 5);
  const next: LogMark = stat ? { file: mark.file, inode: stat[1] ?? mark.inode, offset: Number(stat[2]) } : mark;
  return { lines: body.split('\n').filter((l) => l.trim() !== ''), mark: next };
}

/**
 * Polls the log until a line matches one of `patterns` or `timeoutMs` passes. Returns the first matching line and
 * every line read.
 */
export async function waitForLogLine(
  ctx: HostContext,
  mark: LogMark,
  patterns: readonly RegExp[],
  timeoutMs: number,
  pollMs = 250,
): Promise<{ line?: string; lines: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  let current = mark;
  for (;;) {
    const { lines, mark: next } = await readLogSince(ctx, current);
    current = next;
    seen.push(...lines);
    const line = lines.find((l) => patterns.some((p) => p.test(l)));
    if (line !== undefined) return { line, lines: seen };
    if (Date.now() >= deadline || ctx.signal?.aborted) return { lines: seen };
    await ctx.sleep(pollMs);
  }
}
