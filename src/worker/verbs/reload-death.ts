import { describePortHolders } from '../../core/describe-snapshot';
import type { PortHolder } from '../../core/verb-result';
import type { HostContext } from '../srs/host-context';
import { CRASH_CLUES_SCRIPT, scriptArgv } from '../srs/remote-scripts';

/** What SRS's log says about how it died: its first `[ERROR]` line and the backtrace frames that explain it. */
export interface CrashLog {
  /** The first `[ERROR]` line (log prefix removed), e.g. `backtrace 17 frames of ./objs/srs SRS/6.0.157(Hang)`. */
  error?: string;
  /** The first frame naming SRS code that failed (past the assert machinery), e.g. `SrsTcpListener::listen()`. */
  failedIn?: string;
  /** The reload handler on the stack, e.g. `SrsServer::on_reload_listen()`. */
  during?: string;
}

/** What the host shows after the death: the new config's ports held by someone, core files. */
export interface CrashClues {
  holders: PortHolder[];
  cores: string[];
}

const LOG_PREFIX = /^\[[^\]]*\]\[(?:INFO|WARN|ERROR|TRACE)\]\[\d+\]\[[^\]]*\](?:\[\d+\])?\s*/;
/** `#2 0x36cd2f 1 0x...: SrsTcpListener::listen() at srs_app_listener.cpp:275`. */
const FRAME = /#\d+\s+\S+\s+\S+\s+\S+:\s+(.+?)(?:\s+at\s+(\S+))?(?:\s+\(discriminator \d+\))?$/;
/** Frames that only report the failure, never its cause. */
const MACHINERY = /^(?:SrsCplxError::|srs_assert|__assert|abort|raise|srs_close_stfd)/;

/** Reads how SRS died from the log lines written since the reload. */
export function crashFromLog(lines: readonly string[]): CrashLog {
  const out: CrashLog = {};
  for (const raw of lines) {
    if (!raw.includes('[ERROR]')) continue;
    const text = raw.replace(LOG_PREFIX, '').trim();
    const frame = FRAME.exec(text);
    if (!frame) {
      out.error ??= text.slice(0, 300);
      continue;
    }
    const fn = frame[1] ?? '';
    const where = frame[2] !== undefined ? ` (${frame[2]})` : '';
    if (out.failedIn === undefined && fn.includes('::') && !MACHINERY.test(fn)) out.failedIn = `${fn}${where}`;
    if (out.during === undefined && /::on_reload_\w+\(/.test(fn)) out.during = fn;
  }
  return out;
}

/** `users:(("python3",pid=9942,fd=3))` (older iproute2: `("python3",9942,3)`). */
const OWNER = /\("((?:[^"\\]|\\.)*)",(?:pid=)?(\d+),/g;

/** Parses the clues script: `listen=<ss -ltnp line>` and `core=FILE` lines. */
export function parseCrashClues(stdout: string): CrashClues {
  const holders: PortHolder[] = [];
  const cores: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('core=')) cores.push(line.slice(5).replace(/^\.\//, ''));
    if (!line.startsWith('listen=')) continue;
    const fields = line.slice(7).trim().split(/\s+/);
    const local = fields[3] ?? '';
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    if (!Number.isInteger(port) || port <= 0) continue;
    const owners = [...line.matchAll(OWNER)];
    if (owners.length === 0) holders.push({ port });
    for (const m of owners) holders.push({ port, pid: Number(m[2]), command: (m[1] ?? '').replace(/\\(.)/g, '$1') });
  }
  return { holders, cores };
}

/** Reads the clues on the host (never throws: a death is reported with whatever could be read). */
export async function readCrashClues(ctx: HostContext, pidFile: string | undefined): Promise<CrashClues> {
  try {
    const res = await ctx.ssh.exec(ctx.target, {
      argv: scriptArgv(CRASH_CLUES_SCRIPT, 'srs-crash-clues', [
        ctx.hostConfig.srsRoot,
        ctx.hostConfig.srsConfig,
        pidFile ?? './objs/srs.pid',
      ]),
      timeoutMs: Math.min(ctx.commandTimeoutMs, 15000),
    });
    return parseCrashClues(res.stdout);
  } catch {
    return { holders: [], cores: [] };
  }
}

/**
 * The summary of a reload that killed SRS: that it died, what its log says failed, who holds a port the new config
 * listens on, where a core file may be, and how to get SRS back.
 */
export function describeReloadDeath(host: string, root: string, pid: number | undefined, log: CrashLog, clues: CrashClues): string {
  const parts = [`reload FAILED: SRS died on the reload (pid ${pid ?? '?'} exited)`];
  if (log.error !== undefined || log.failedIn !== undefined) {
    const where = log.failedIn !== undefined ? ` in ${log.failedIn}${log.during !== undefined ? ` during ${log.during}` : ''}` : '';
    parts.push(`last log error: "${log.error ?? 'backtrace'}"${where}`);
  } else {
    parts.push('its log has no [ERROR] line since the reload');
  }
  const held = describePortHolders(clues.holders);
  if (held !== '') parts.push(`${held}, and the new config listens there`);
  parts.push(clues.cores.length > 0 ? `core file: ${clues.cores.map((c) => `${root}/${c}`).join(', ')}` : `a core file may be in ${root}`);
  if (/on_reload_listen/.test(log.during ?? '')) {
    // SRS 5.0 and 6.0 assert on a reload that changes the RTMP `listen` port, whether or not the new port is free.
    const free = held !== '' ? 'free the port (or change `listen` back), then ' : '';
    return `${parts.join('; ')}. SRS cannot change its \`listen\` port on a reload; a new port needs a start. To get it back: ${free}\`/srs start ${host}\`.`;
  }
  const fix = held !== '' ? 'free the port or change the config' : 'fix the config';
  return `${parts.join('; ')}. To get it back: ${fix}, then \`/srs start ${host}\`.`;
}
