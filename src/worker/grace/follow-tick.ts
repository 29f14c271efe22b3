import type { HostConfig } from '../../../config/schema';
import { ChatopsError, ErrorCode } from '../../core/errors';
import { apiPort, type HostContext } from '../srs/host-context';
import type { LogMark } from '../srs/read-log';
import { FOLLOW_SCRIPT, KILL_SCRIPT, scriptArgv } from '../srs/remote-scripts';
import { assertPrivilegeGranted, privilegedArgv } from '../srs/privileged-command';
import { execRecorded } from '../srs/record-command';

/** What one look at a draining host found. */
export interface FollowTick {
  /** `R`/`S`/... from /proc, `Z` for a zombie, `gone`. */
  procState: string;
  established?: number;
  listening: number[];
  lines: string[];
  mark: LogMark;
}

const MAX_LOG_BYTES = 256 * 1024;

/** One exec on the pooled connection: process state, sockets, and the log since `mark`. Throws when the host is unreachable. */
export async function followTick(ctx: HostContext, mark: LogMark, pid: number): Promise<FollowTick> {
  const res = await ctx.ssh.exec(ctx.target, {
    argv: scriptArgv(FOLLOW_SCRIPT, 'srs-follow', [
      ctx.hostConfig.srsRoot,
      mark.file,
      mark.inode,
      String(mark.offset),
      String(MAX_LOG_BYTES),
      String(pid),
      String(apiPort(ctx.hostConfig)),
      ...ctx.hostConfig.mediaPorts.map(String),
    ]),
    timeoutMs: 15000,
  });
  const sep = res.stdout.indexOf('\n---\n');
  if (res.code === null || sep < 0) {
    throw new ChatopsError(ErrorCode.ConnectionLost, `lost the SSH connection to ${ctx.hostConfig.name} while following`, {
      retryable: true,
    });
  }
  const head = res.stdout.slice(0, sep).split('\n');
  const get = (k: string) => head.find((l) => l.startsWith(`${k}=`))?.slice(k.length + 1);
  const stat = /^(\S+) (\d+)$/.exec(get('log_stat') ?? '');
  const listening = head
    .filter((l) => l.startsWith('listen='))
    .map((l) => Number(l.slice(l.lastIndexOf(':') + 1)))
    .filter((n) => n > 0);
  const established = get('established');
  const tick: FollowTick = {
    procState: get('proc_state') || 'gone',
    listening: [...new Set(listening)],
    lines: res.stdout
      .slice(sep + 5)
      .split('\n')
      .filter((l) => l.trim() !== ''),
    mark: stat ? { file: mark.file, inode: stat[1] ?? mark.inode, offset: Number(stat[2]) } : mark,
  };
  if (established !== undefined && established !== '') tick.established = Number(established);
  return tick;
}

/** What sending a force-quit signal did. */
export interface SignalSent {
  /** The host script's answer: `sent=INT`, `refused=gone`, `refused=not_srs`... */
  said: string;
  sent: boolean;
  /** Established media connections counted by the same command, just before the signal (only when it was sent). */
  established?: number;
}

/** Parses the kill script's `established=N` / `sent=SIG` / `refused=WHY` lines. */
export function parseSignalSent(stdout: string, code: number | null): SignalSent {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const sentLine = lines.find((l) => l.startsWith('sent=') || l.startsWith('refused='));
  const est = lines.find((l) => l.startsWith('established='))?.slice('established='.length);
  const out: SignalSent = { said: sentLine ?? `exit ${code ?? '?'}`, sent: sentLine?.startsWith('sent=') === true };
  if (out.sent && est !== undefined && /^\d+$/.test(est)) out.established = Number(est);
  return out;
}

/**
 * Sends SIGINT or SIGKILL to the host's SRS (refused by the host script when the pid is no longer SRS), counting the
 * established media connections in the same command, right before the signal: the clients it forces off.
 */
export async function signalSrs(ctx: HostContext, pid: number, signal: 'INT' | 'KILL'): Promise<SignalSent> {
  const res = await execRecorded(ctx, { argv: signalArgv(ctx.hostConfig, pid, signal), timeoutMs: 10000 });
  assertPrivilegeGranted(ctx.hostConfig, res);
  return parseSignalSent(res.stdout, res.code);
}

/** The argv that sends SIGINT or SIGKILL to the host's SRS: the kill script, or the helper's `signal` under sudo. */
export function signalArgv(
  host: Pick<HostConfig, 'srsRoot' | 'mediaPorts' | 'become' | 'system'>,
  pid: number,
  signal: 'INT' | 'KILL',
): string[] {
  const args = [host.srsRoot, String(pid), signal, ...host.mediaPorts.map(String)];
  return privilegedArgv(host, scriptArgv(KILL_SCRIPT, 'srs-kill', args), 'signal', args);
}
