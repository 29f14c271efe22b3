import type { HistoryFilters } from './audit/history-filters';
import type { ServiceVerb } from './verbs';

/** Commands the grammar understands. Plain data; nothing here has been authorized yet. */
export type Command =
  | { kind: 'help' }
  | { kind: 'hosts'; group?: string }
  | {
      kind: 'verb';
      verb: ServiceVerb;
      /** The target expression as typed, normalised (`edge-1,edge-2`, `edges`, `all`). */
      target: string;
      /** From flags: `--graceful` (restart), `--deadline 5m` (grace, graceful restart). */
      options?: VerbOptions;
      /** How a state-changing verb runs over several hosts (`--batch`, `--parallel`, `--budget`, `--dry-run`). */
      rollout?: RolloutFlags;
    }
  | { kind: 'cancel'; /** A request id (`r-...`, its queued jobs) or a job id (`r-...-edge-3`). */ id: string }
  | {
      kind: 'upgrade';
      target: string;
      /** The SRS version to install, checked against VERSION_PATTERN. */
      version: string;
      options: UpgradeOptions;
    }
  | {
      kind: 'abort';
      /** The rollout's request id. */ id: string;
      /** `--now`: do not wait for hosts in progress (asks to confirm). */ now: boolean;
    }
  | { kind: 'jobs' }
  | { kind: 'output'; /** A job id (`r-...-edge-3`: its output), or a request id (its jobs, to pick one). */ id: string }
  | { kind: 'history'; /** A target expression as for verbs; undefined means every host. */ target?: string; filters: HistoryFilters };

/** Options a verb command carries to its jobs. */
export interface VerbOptions {
  /** `restart --graceful`: grace, wait for the exit, then start. */
  graceful?: boolean;
  /** `--deadline 5m`: how long a drain may run before the bot asks what to do. */
  deadlineMs?: number;
  /** SRS 5.0 does not drain: set once someone confirmed that the quit may drop clients. */
  confirmed?: boolean;
}

/** Flags of `/srs upgrade`; absent ones come from the `upgrade` config. */
export interface UpgradeOptions {
  batchSize?: number;
  failureBudget?: number;
  rollback?: boolean;
  /** `--dry-run`: plan and survey, show the commands, change nothing. */
  dryRun?: boolean;
}

/**
 * Flags of a state-changing verb about how it runs: absent ones come from the `rolling` policy. Never carried to a
 * job (the plan carries what they resolved to).
 */
export interface RolloutFlags {
  /** `--batch N`: hosts at once (within the policy's `maxBatch`). */
  batchSize?: number;
  /** `--parallel`: every host at once, where the policy allows it. */
  parallel?: boolean;
  /** `--budget N`: failed hosts tolerated before the run halts. */
  failureBudget?: number;
  /** `--dry-run`: plan and survey, show the commands, change nothing. */
  dryRun?: boolean;
}

/** A command or a usage error (a message for the user that says what was wrong and what to type instead). */
export type ParseResult = { ok: true; command: Command } | { ok: false; error: string };

/** Roles, weakest first. viewer: status/hosts/help; operator: every verb; admin: everything. */
export type Role = 'viewer' | 'operator' | 'admin';

/** Who is asking, and where. Ids are Slack's immutable ids. */
export interface Caller {
  userId: string;
  channelId: string;
}

/** The hosts a target expression resolved to, in inventory order, or why it did not resolve. */
export type TargetResolution = { ok: true; hosts: string[] } | { ok: false; error: string };

/** An authorization decision; `reason` says why, for the denied user and the audit log. */
export type Decision = { allowed: true; role: Role } | { allowed: false; reason: string };

/** A message for the chat: text always (notifications, fallbacks), blocks optional. */
export interface ChatMessage {
  text: string;
  /** Slack Block Kit blocks (plain JSON). */
  blocks?: unknown[];
}
