import type { JobVerb } from './verbs';

/**
 * What the host really is, as confirmed on the host itself (pid file, /proc, API), never from init.d's exit code.
 * - `running`: the pid file's process is alive, not a zombie, and is SRS (cmdline has `objs/srs`).
 * - `stopped`: no pid file.
 * - `stale_pid`: a pid file whose process is gone (SRS never removes it: after grace, crash, SIGKILL).
 * - `zombie`: the pid file's process exited but its parent has not reaped it (SRS's init.d, `ps -p`, still counts it
 *   as running and refuses to start).
 * - `foreign_pid`: the pid was recycled by a process that is not SRS (init.d counts it as running too).
 * - `unknown`: the host could not be asked (unreachable, timeout).
 */
export type SrsState = 'running' | 'stopped' | 'stale_pid' | 'zombie' | 'foreign_pid' | 'unknown';

/** A listening media or API port held by a process other than the host's SRS. */
export interface PortHolder {
  port: number;
  /** Absent when the SSH user cannot see the process (`ss` names other users' processes only for root). */
  pid?: number;
  /** Its name as `ss` shows it, e.g. `nc`. */
  command?: string;
}

/** A snapshot of one host's SRS, read on the host. */
export interface HostSnapshot {
  state: SrsState;
  /** The pid from the pid file, when there is one. */
  pid?: number;
  /** `foreign_pid`: the command line of the process the pid file names. */
  pidCommand?: string;
  /** `zombie`: its parent, which has not reaped it (pid and command line, from /proc). */
  zombieParent?: { pid: number; command?: string };
  /** Listening media/API ports held by something other than this SRS (another program took them). */
  portHolders?: PortHolder[];
  /** Whether the HTTP API answered. */
  apiUp: boolean;
  /** From the API when it answers. */
  version?: string;
  /** API `service` id: new per process start. */
  serviceId?: string;
  uptimeSeconds?: number;
  /** The players connected now (API `clients/`, publishers not included). */
  clients?: number;
  /** The publishing clients connected now (API `clients/`): players + publishers are every media client. */
  publishers?: number;
  streams?: number;
  /** The streams with a publisher now (`app/name`, the first 50; host text, escape before showing). */
  publishedStreams?: string[];
  /** `unknown` because nobody asked: the job never reached the host (cancelled, refused, given up before it ran). */
  notAsked?: true;
}

/**
 * The confirmed outcome of a verb:
 * - `ok`: the verb did what it should, confirmed on the host.
 * - `noop`: nothing needed doing (start when running, stop when stopped); the host is in the wanted state.
 * - `failed`: the host is not in the wanted state (evidence says why).
 * - `refused`: the bot did not run the verb (e.g. reload with a config that fails `srs -t`).
 * - `unknown`: the outcome could not be confirmed (host unreachable, connection cut, timeout).
 */
export type Outcome = 'ok' | 'noop' | 'failed' | 'refused' | 'unknown';

/** The structured result of one verb on one host. Plain JSON: it crosses Redis. */
export interface VerbResult {
  v: 1;
  host: string;
  verb: JobVerb;
  outcome: Outcome;
  /** One line a human reads first, e.g. `running (pid 123), SRS 6.0.184, up 2s`. */
  summary: string;
  before: HostSnapshot;
  after: HostSnapshot;
  /** Facts that support the outcome, e.g. `log: reload config success`, `pid 123 gone`. */
  evidence: string[];
  /** The service command's exit code (init.d or systemctl); informative only. */
  exitCode: number | null;
  durationMs: number;
  /** ANSI-stripped, size-capped output of the service command. */
  output: string;
  /** Set when outcome is failed/unknown because of an error (code from ErrorCode). */
  errorCode?: string;
  /** A graceful quit (grace, restart --graceful, upgrade): who drained on their own and who did not. */
  drain?: DrainCount;
  /** A survey's status job for a plan: the commands the planned verb would send to this host now, in order. */
  planned?: string[];
}

/**
 * The media clients (viewers and publishers) of one graceful quit: connected when SIGQUIT went out, gone on their
 * own during the drain, forced off at the deadline (SIGINT/SIGKILL), dropped when an SRS that does not drain exited.
 * `drained + forcedOff + dropped` is `atStart` when the start count is known.
 */
export interface DrainCount {
  /** Connected when the quit began (host count, else the API's), undefined when neither was read. */
  atStart?: number;
  /**
   * Clients that connected after SIGQUIT (SRS accepts during grace_start_wait, until its listeners close) and were
   * then forced off or dropped: `drained + forcedOff + dropped` is `atStart + arrived`.
   */
  arrived?: number;
  drained: number;
  forcedOff: number;
  dropped: number;
  /** The drain deadline was reached (forced or asked). */
  deadlineHit: boolean;
}

/**
 * A result for a job that sent nothing to its host (refused, cancelled, given up): its state was not read, which is
 * not the same as a host that could not be reached.
 */
export function unrunResult(host: string, verb: JobVerb, summary: string, errorCode: string): VerbResult {
  const notRead: HostSnapshot = { state: 'unknown', apiUp: false, notAsked: true };
  return {
    v: 1,
    host,
    verb,
    outcome: 'refused',
    summary,
    before: notRead,
    after: notRead,
    evidence: [],
    exitCode: null,
    durationMs: 0,
    output: '',
    errorCode,
  };
}

/** A result for a job given up without an answer (it may have acted on its host): outcome and state unknown. */
export function unconfirmedResult(host: string, verb: JobVerb, summary: string, errorCode: string): VerbResult {
  const unknown: HostSnapshot = { state: 'unknown', apiUp: false };
  return {
    v: 1,
    host,
    verb,
    outcome: 'unknown',
    summary,
    before: unknown,
    after: unknown,
    evidence: [],
    exitCode: null,
    durationMs: 0,
    output: '',
    errorCode,
  };
}
