import type { Command } from '../core/command';
import type { AuditEventInput } from '../ports/audit-port';

/** A verb command that passed every check, on its resolved hosts. */
export interface VerbToQueue {
  requestId: string;
  base: Pick<AuditEventInput, 'actor' | 'channel' | 'requestId' | 'correlationId'>;
  command: Extract<Command, { kind: 'verb' }>;
  hosts: string[];
  /** The pending `request.received` append (true once stored). */
  received: Promise<boolean>;
  /** A state-changing verb: refused when the audit log cannot record it. */
  mutating: boolean;
}
