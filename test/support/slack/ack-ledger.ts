/**
 * Slack's side of Socket Mode acknowledgements: every envelope sent must be acked (`{envelope_id, payload?}`)
 * within 3 s of its delivery, exactly once. Envelopes still unacked when their connection goes away are owed a
 * redelivery on the next connection (Slack retries unacked envelopes). Breaches are collected as `problems`, so a
 * test can fail on them.
 */

/** Slack's ack deadline. */
export const ACK_DEADLINE_MS = 3000;

export interface SocketEnvelope {
  envelope_id: string;
  type: string;
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  /** What the listener passed to `ack(...)` (`{}` for a bare `ack()`). */
  payload: unknown;
  time: number;
  /** Milliseconds from the (last) delivery of the envelope to this ack. */
  latencyMs: number;
  /** The delivery this ack answered (0 = first, 1 = first redelivery, ...). */
  attempt: number;
}

interface Pending {
  envelope: SocketEnvelope;
  deliveredAt: number;
  attempt: number;
  timer: NodeJS.Timeout | undefined;
  /** The connection it went out on (a number from the stand-in). */
  connection: number;
}

export class AckLedger {
  readonly acks: SocketAck[] = [];
  /** Acks the stand-in threw away on purpose ({@link loseNextAcks}): the client did answer, Slack never heard. */
  readonly lostAcks: SocketAck[] = [];
  readonly problems: string[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly known = new Map<string, SocketEnvelope>();
  private toLose = 0;

  constructor(private readonly deadlineMs = ACK_DEADLINE_MS) {}

  /** Records that `envelope` went out on `connection`; the deadline runs from now. */
  delivered(envelope: SocketEnvelope, connection: number, attempt: number): void {
    this.known.set(envelope.envelope_id, envelope);
    const previous = this.pending.get(envelope.envelope_id);
    if (previous?.timer !== undefined) clearTimeout(previous.timer);
    const entry: Pending = { envelope, deliveredAt: Date.now(), attempt, connection, timer: undefined };
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.pending.get(envelope.envelope_id) === entry) {
        this.problems.push(
          `envelope ${envelope.envelope_id} (${envelope.type}, attempt ${attempt}) not acked within ${this.deadlineMs} ms`,
        );
      }
    }, this.deadlineMs);
    entry.timer.unref();
    this.pending.set(envelope.envelope_id, entry);
  }

  /** An ack from the client. */
  acked(envelopeId: string, payload: unknown): void {
    const entry = this.pending.get(envelopeId);
    if (entry === undefined) {
      this.problems.push(
        this.known.has(envelopeId) ? `envelope ${envelopeId} acked more than once` : `ack of an envelope never sent: ${envelopeId}`,
      );
      return;
    }
    const now = Date.now();
    const ack: SocketAck = { envelope_id: envelopeId, payload, time: now, latencyMs: now - entry.deliveredAt, attempt: entry.attempt };
    if (this.toLose > 0) {
      this.toLose -= 1;
      this.lostAcks.push(ack);
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      entry.timer = undefined;
      return;
    }
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    this.pending.delete(envelopeId);
    if (ack.latencyMs > this.deadlineMs)
      this.problems.push(`envelope ${envelopeId} (${entry.envelope.type}) acked after ${ack.latencyMs} ms (> ${this.deadlineMs} ms)`);
    this.acks.push(ack);
  }

  /** The next `count` acks are dropped, as if lost on the wire: their envelopes stay owed. */
  loseNextAcks(count: number): void {
    this.toLose += count;
  }

  /** A connection closed: its unacked envelopes' deadlines stop (they are redelivered on the next connection). */
  connectionClosed(connection: number): void {
    for (const entry of this.pending.values()) {
      if (entry.connection !== connection || entry.timer === undefined) continue;
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
  }

  /** Envelopes sent and not acked (yet), with how often each went out, oldest first. */
  unacked(): Array<{ envelope: SocketEnvelope; attempt: number }> {
    return [...this.pending.values()].map((p) => ({ envelope: p.envelope, attempt: p.attempt }));
  }

  /** Envelopes owed to the client now: unacked and not on an open connection. */
  owed(isOpen: (connection: number) => boolean): Array<{ envelope: SocketEnvelope; attempt: number }> {
    return [...this.pending.values()].filter((p) => !isOpen(p.connection)).map((p) => ({ envelope: p.envelope, attempt: p.attempt }));
  }

  /** Stops every timer (the stand-in is closing). */
  stop(): void {
    for (const entry of this.pending.values()) if (entry.timer !== undefined) clearTimeout(entry.timer);
  }
}
