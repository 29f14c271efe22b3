import type { RolloutHost, RolloutRecord, RolloutState } from '../core/rollout/rollout-record';

export type { HostStage, RolloutHost, RolloutRecord, RolloutState } from '../core/rollout/rollout-record';

/** Rollouts, shared by every bot process (Redis). Updates of one rollout are serialised by the caller's claims. */
export interface RolloutStorePort {
  /** Stores a new rollout; false, and nothing changed, when it exists already (a retried start never resets it). */
  create(record: RolloutRecord): Promise<boolean>;
  get(id: string): Promise<RolloutRecord | undefined>;
  /** Merges a host's state (newer `at` wins). */
  setHost(id: string, host: string, state: RolloutHost): Promise<void>;
  /** Sets the rollout's state, batch, reason; `from` guards the transition (no-op returning false when it differs). */
  transition(
    id: string,
    from: readonly RolloutState[],
    to: RolloutState,
    fields?: { batch?: number; reason?: string; endedAt?: number },
  ): Promise<boolean>;
  setStatusTs(id: string, ts: string): Promise<void>;
  /** Ids of rollouts not finished (running or aborting). */
  active(): Promise<string[]>;
  /** Asks hosts in progress to stop at their next step (abort --now); the worker reads it. */
  requestStopNow(id: string, by: string): Promise<void>;
}
