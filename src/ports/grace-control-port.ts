import type { GraceDecision } from '../core/grace/grace-actions';

/** The bot's side of steering a draining host: decisions pressed in the chat, delivered to the following worker. */
export interface GraceControlPort {
  /** Queues a decision for the job; the worker following it acts within one poll. */
  send(jobId: string, decision: GraceDecision, by: string): Promise<void>;
}
