import type { Client, ClientChannel } from 'ssh2';
import type { ExecResult, RemoteCommand } from '../../ports/host-port';
import { CappedBuffer } from './capped-buffer';
import { shellJoin } from './shell-quote';

/** Margin between the host-side `timeout` and the client-side timer that closes the channel. */
export const CLIENT_TIMER_MARGIN_MS = 3000;

/** Characters kept of each of stdout and stderr unless configured. */
export const DEFAULT_OUTPUT_CAP_CHARS = 262144;

/** Exit codes of coreutils `timeout`: the command timed out (124), or was killed after the grace (137). */
const REMOTE_TIMEOUT_CODES: ReadonlySet<number> = new Set([124, 137]);

/**
 * The command line sent to the host: the argv quoted for the remote shell, under coreutils `timeout` (whole seconds,
 * at least one; KILL two seconds after TERM).
 */
export function timedCommandLine(command: RemoteCommand): string {
  const seconds = Math.max(1, Math.ceil(command.timeoutMs / 1000));
  return `timeout -k 2 ${seconds} ${shellJoin(command.argv)}`;
}

/** Limits of one {@link execOverSsh}. */
export interface ExecLimits {
  /** The client closes the channel after this long (the host-side timeout plus {@link CLIENT_TIMER_MARGIN_MS}). */
  clientTimeoutMs: number;
  /** Characters kept of each of stdout and stderr. */
  outputCapChars: number;
  /** When the command started (`Date.now()`), for `durationMs`. */
  started: number;
}

/**
 * Runs `line` on an exec channel of `conn` (undefined: the connection is gone). Resolves on every outcome: an exit,
 * a client-side timeout (the channel is closed), or a lost connection; never rejects.
 */
export function execOverSsh(conn: Client | undefined, line: string, limits: ExecLimits): Promise<ExecResult> {
  if (!conn) {
    return Promise.resolve({ code: null, stdout: '', stderr: '', durationMs: 0, timedOut: false, connectionLost: true });
  }
  return new Promise<ExecResult>((resolve) => {
    const run = new ExecRun(limits, resolve);
    try {
      conn.exec(line, (err, ch) => {
        if (err) run.finish(null, true);
        else run.attach(ch);
      });
    } catch {
      run.finish(null, true);
    }
  });
}

/** One command in flight: its capped output, its client-side timer, and the single result it settles with. */
class ExecRun {
  private readonly stdout: CappedBuffer;
  private readonly stderr: CappedBuffer;
  private readonly timer: NodeJS.Timeout;
  private channel: ClientChannel | undefined;
  private timedOut = false;
  private settled = false;

  constructor(
    private readonly limits: ExecLimits,
    private readonly resolve: (result: ExecResult) => void,
  ) {
    this.stdout = new CappedBuffer(limits.outputCapChars);
    this.stderr = new CappedBuffer(limits.outputCapChars);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.channel?.close();
      this.finish(null, false);
    }, limits.clientTimeoutMs);
  }

  /** Collects the channel's output; the result settles when it closes (without an exit status: connection lost). */
  attach(ch: ClientChannel): void {
    this.channel = ch;
    let exitCode: number | null = null;
    let exitSeen = false;
    ch.on('data', (d: Buffer) => this.stdout.push(d));
    ch.stderr.on('data', (d: Buffer) => this.stderr.push(d));
    ch.on('exit', (code: number | null) => {
      exitSeen = true;
      exitCode = code;
    });
    ch.on('close', () => this.finish(exitCode, !exitSeen));
  }

  /** Settles the result once; later calls (a close after the timeout) are ignored. */
  finish(code: number | null, lost: boolean): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const remoteTimeout = code !== null && REMOTE_TIMEOUT_CODES.has(code);
    this.resolve({
      code: this.timedOut ? null : code,
      stdout: this.stdout.text(),
      stderr: this.stderr.text(),
      durationMs: Date.now() - this.limits.started,
      timedOut: this.timedOut || remoteTimeout,
      connectionLost: lost && !this.timedOut,
    });
  }
}
