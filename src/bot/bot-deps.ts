import type { Config } from '../../config/schema';
import type { Logger } from '../ports/logger-port';
import type { ChatPort } from '../ports/chat-port';
import type { JobEventPublisher, JobQueuePort } from '../ports/job-queue-port';
import type { RequestStorePort } from '../ports/request-store-port';
import type { AuditPort } from '../ports/audit-port';
import type { ApprovalStorePort } from '../ports/approval-store-port';
import type { RolloutStorePort } from '../ports/rollout-store-port';
import type { InventoryPort } from '../ports/inventory-port';
import type { InventoryStorePort } from '../ports/inventory-store-port';
import type { OutputStorePort } from '../ports/output-store-port';
import type { FailoverLogPort } from '../ports/failover-log-port';

/** What the bot's use cases depend on: ports and pure config, no SDK. */
export interface BotDeps {
  /**
   * The settings, with the hosts, bastions and groups of the inventory the request is pinned to (see pinInventory):
   * read the hosts through {@link inventory}.
   */
  config: Config;
  /** The live inventory (hot reloaded): where every use case reads the hosts, at call time. */
  inventory: InventoryPort;
  chat: ChatPort;
  queue: JobQueuePort;
  /** Inventory snapshots shared with the workers: a fan-out's hosts are expanded from the one the bot accepted it with. */
  inventories: InventoryStorePort;
  requests: RequestStorePort;
  /** The audit log: every request, denial, decision and result. */
  audit: AuditPort;
  /** Plans waiting for approval, and their decisions. */
  approvals: ApprovalStorePort;
  /** Approved upgrades rolling across hosts. */
  rollouts: RolloutStorePort;
  /** The full output of every job, as the workers kept it (`/srs output`). */
  outputs: OutputStorePort;
  /** The ops server's public URL (`OPS_PUBLIC_URL`): `/srs output` links to `<it>/output/<job id>` for long output. */
  outputLinkBase?: string;
  /** Where the bot itself publishes results of jobs that never ran (cancelled), delivered like the workers' ones. */
  events: JobEventPublisher;
  /** Redis failovers (Sentinel): a request's thread says when one happened while it ran. Absent: not watched. */
  failovers?: FailoverLogPort;
  logger: Logger;
  /** Each host's pinned key fingerprint(s) in known_hosts now, by host name (what a plan binds; unpinned: absent). */
  hostKeys: () => ReadonlyMap<string, string>;
  /** New request ids (no `:`, not integer-like). */
  newId: () => string;
  now: () => number;
}
