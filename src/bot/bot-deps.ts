import type { Config } from '../../config/schema';
import type { Logger } from '../adapters/logger';
import type { ChatPort } from '../ports/chat-port';
import type { JobEventPublisher, JobQueuePort } from '../ports/job-queue-port';
import type { RequestStorePort } from '../ports/request-store-port';
import type { AuditPort } from '../ports/audit-port';

/** What the bot's use cases depend on: ports and pure config, no SDK. */
export interface BotDeps {
  config: Config;
  chat: ChatPort;
  queue: JobQueuePort;
  requests: RequestStorePort;
  /** The audit log: every request, denial, decision and result. */
  audit: AuditPort;
  /** Where the bot itself publishes results of jobs that never ran (cancelled), delivered like the workers' ones. */
  events: JobEventPublisher;
  logger: Logger;
  /** New request ids (no `:`, not integer-like). */
  newId: () => string;
  now: () => number;
}
