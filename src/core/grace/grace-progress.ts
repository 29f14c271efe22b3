/**
 * Stages of a graceful quit as the bot shows them (contract section 4):
 * signal_sent -> start_wait -> listeners_closed -> draining -> final_wait -> terminated -> exited.
 * `escalating` after a force quit was asked for; `left_draining` when the operator chose to stop watching.
 */
export type GraceStage =
  | 'preflight'
  | 'signal_sent'
  | 'start_wait'
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
  /** When SIGQUIT was sent (epoch ms). */
  signalAt?: number;
  /** When the deadline falls (epoch ms); undefined when the operator chose to leave it draining. */
  deadlineAt?: number;
  settings: GraceSettings;
  /** Clients when the quit started (API), then media connections counted on the host. */
  clientsAtStart?: number;
  publishersAtStart?: number;
  clients?: number;
  /** The connection count SRS last logged (`wait for N conns to quit`). */
  loggedConns?: number;
  /** Last few (time, clients) samples, for the trend. At most {@link TREND_SAMPLES}. */
  samples: Array<[number, number]>;
  /** When the drain started (listeners closed). */
  drainStartAt?: number;
  /** When the process was confirmed gone. */
  exitedAt?: number;
  /** Escalation steps taken (`SIGINT at 5m 2s`, `SIGKILL ...`). */
  escalations: string[];
  /** True while the host cannot be reached (the follower retries). */
  connectionLost?: boolean;
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
