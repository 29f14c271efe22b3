import type { AuditAnchor } from '../core/audit/anchor-line';
import type { ChainHead } from '../core/audit/chain-verifier';

/** Somewhere outside Redis an anchor is kept: the audit channel, the audit file. Rejects when it could not be. */
export interface AnchorSink {
  /** `chat` or `file`: a metrics label. */
  readonly kind: string;
  /** For logs: `chat C0AUDIT`, `file /var/log/…`. */
  readonly name: string;
  publish(anchor: AuditAnchor): Promise<void>;
}

/** The audit log's head, and who publishes it: one publisher per anchor across bot replicas. */
export interface AnchorSource {
  /** The chain head now; undefined for an empty log. */
  head(): Promise<ChainHead | undefined>;
  /** True for the one caller that may publish the head at `seq` (until released, or for a day). */
  claim(seq: number): Promise<boolean>;
  /** Gives a claim back after a failed publication, so that the next attempt publishes it. */
  release(seq: number): Promise<void>;
}
