/**
 * Deterministic Slack message timestamps: `<seconds>.<6-digit micros>`, unique and strictly increasing
 * (`1700000000.000100`, `1700000000.000200`, ...). Same digit count throughout, so string order = time order.
 */
export class SlackTsClock {
  private micros: bigint;
  private readonly step: bigint;

  constructor(baseSeconds = 1_700_000_000, stepMicros = 100) {
    this.micros = BigInt(baseSeconds) * 1_000_000n;
    this.step = BigInt(stepMicros);
  }

  next(): string {
    this.micros += this.step;
    const seconds = this.micros / 1_000_000n;
    const frac = (this.micros % 1_000_000n).toString().padStart(6, '0');
    return `${seconds.toString()}.${frac}`;
  }
}

/** True for a well-formed Slack ts string (`digits.6digits`). */
export function isSlackTs(value: unknown): value is string {
  return typeof value === 'string' && /^\d+\.\d{6}$/.test(value);
}
