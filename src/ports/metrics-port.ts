/**
 * What the bot and workers count and time, for operators (Prometheus). Fire-and-forget: recording never throws and
 * never waits, so a metrics problem can never change what a command does.
 */
export interface MetricsPort {
  /** A job ended on a host with a confirmed outcome (`ok`, `noop`, `failed`, `refused`, `unknown`), after `durationMs`. */
  jobFinished(verb: string, outcome: string, durationMs: number): void;
  /** A graceful quit ended with the process gone, `durationMs` after the signal; `escalated` when it was forced. */
  drainFinished(escalated: boolean, durationMs: number): void;
  /** An SSH operation failed because the host could not be connected to (`reason`: an ErrorCode such as `ssh_auth_failed`). */
  sshConnectFailed(reason: string): void;
  /** A Slack Web API call failed (`code`: Slack's error, `ratelimited`, or the client's error code). */
  slackApiError(method: string, code: string): void;
  /** Slack answered 429 to a Web API call (the client waits and retries). */
  slackRateLimited(method: string): void;
  /** An audit record could not be written. */
  auditWriteFailed(type: string): void;
  /** An audit anchor (chain head at `seq`) was published to a sink (`slack`, `file`), or failed to be. */
  auditAnchorPublished(sink: string, ok: boolean, seq: number): void;
}

/** Records nothing (the console, doctor, tests that do not look). */
export const noopMetrics: MetricsPort = {
  jobFinished: () => undefined,
  drainFinished: () => undefined,
  sshConnectFailed: () => undefined,
  slackApiError: () => undefined,
  slackRateLimited: () => undefined,
  auditWriteFailed: () => undefined,
  auditAnchorPublished: () => undefined,
};
