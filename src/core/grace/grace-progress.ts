/**
 * Stages of a graceful quit as the bot shows them (contract section 4):
 * signal_sent -> start_wait -> listeners_closed -> draining -> final_wait (drained) -> terminated -> exited.
 * SRS that does not drain (5.0, contract section 5): signal_sent -> no_drain -> exited.
 * `escalating` after a force quit was asked for; `left_draining` when the operator chose to stop watching.
 */
export type GraceStage =
  | 'preflight'
  | 'signal_sent'
  | 'start_wait'
  | 'no_drain'
  | 'listeners_closed'
  | 'draining'
  | 'final_wait'
  | 'terminated'
  | 'exited'
  | 'escalating'
  | 'left_draining';

/** Milestones worth their own thread reply. */
export type GraceMilestone = 'listeners_closed' | 'drained' | 'exited' | 'escalated' | 'deadline' | 'connection_lost' | 'resumed';

/** The host's graceful-quit settings, read from its config (defaults are SRS's). */
export interface GraceSettings {
  startWaitMs: number;
  finalWaitMs: number;
  forceGraceQuit: boolean;
}

/** SRS's defaults for the grace directives. */
export const SRS_GRACE_DEFAULTS: GraceSettings = { startWaitMs: 2300, finalWaitMs: 3200, forceGraceQuit: false };

/** The live state of one host's graceful quit; small and bounded whatever the drain's length. */
export interface GraceProgress {
  host: string;
  stage: GraceStage;
  pid?: number;
  version?: string;
  /** False when this SRS does not drain on SIGQUIT (5.0): it exits within ~2 s and drops every client. */
  drains?: boolean;
  /** When SIGQUIT was sent (epoch ms). */
  signalAt?: number;
  /** When the deadline falls (epoch ms); undefined when the operator chose to leave it draining. */
  deadlineAt?: number;
  settings: GraceSettings;
  /** Players and publishers when the quit started (API `clients/`). */
  playersAtStart?: number;
  publishersAtStart?: number;
  /** Established media connections counted on the host (`ss`) at the last look while the process lived. */
  clients?: number;
  /** The connection count SRS last logged (`wait for N conns to quit`). */
  loggedConns?: number;
  /** Last few (time, clients) samples, for the trend. At most {@link TREND_SAMPLES}. */
  samples: Array<[number, number]>;
  /** When the drain started (listeners closed). */
  drainStartAt?: number;
  /** When SRS logged that every client had left (`wait for 0 conns`, or `source disposed` without a force quit). */
  drainedAt?: number;
  /** Clients still connected when the process exited without draining (dropped at exit). */
  dropped?: number;
  /** Clients connected when the force quit's signal was sent (counted by the command that sent it). */
  forcedOff?: number;
  /** When the process was confirmed gone. */
  exitedAt?: number;
  /** Escalation steps taken (`SIGINT at 5m 2s`, `SIGKILL ...`). */
  escalations: string[];
  /** True while the host cannot be reached (the follower retries). */
  connectionLost?: boolean;
}

/**
 * Whether this SRS version drains on SIGQUIT: 5.0 and 6.0 before 6.0.132 take the signal but exit within ~2 s
 * dropping every client (upstream issue 3805, contract section 5). Unknown versions are assumed to drain.
 */
export function drainsOnQuit(version: string | undefined): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return true;
  const [major, minor, revision] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return !(major === 5 || (major === 6 && minor === 0 && revision < 132));
}

/** Samples kept for the trend. */
export const TREND_SAMPLES = 6;

/** `falling`, `steady` or `rising` over the kept samples. */
export function trendOf(p: GraceProgress): 'falling' | 'steady' | 'rising' | undefined {
  if (p.samples.length < 2) return undefined;
  const first = p.samples[0]?.[1] ?? 0;
  const last = p.samples[p.samples.length - 1]?.[1] ?? 0;
  return last < first ? 'falling' : last > first ? 'rising' : 'steady';
}

/** Adds a client-count sample, keeping the last {@link TREND_SAMPLES}. */
export function addSample(p: GraceProgress, at: number, clients: number): void {
  p.clients = clients;
  const last = p.samples[p.samples.length - 1];
  if (last && last[1] === clients && p.samples.length > 1) {
    last[0] = at;
    return;
  }
  p.samples.push([at, clients]);
  if (p.samples.length > TREND_SAMPLES) p.samples.shift();
}
