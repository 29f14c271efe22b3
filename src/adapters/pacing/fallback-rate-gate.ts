import type { Logger } from '../../ports/logger-port';
import type { RateCharge, RateGate } from '../../ports/rate-gate-port';
import { LocalRateGate } from './local-rate-gate';

/** How long a shared booking may take before this process paces on its own. @defaultValue 500 */
const SHARED_TIMEOUT_MS = 500;

/**
 * The shared gate (Redis), or this process's own when the shared one fails or is slow: the bot never hangs on pacing.
 * Logs once when it falls back and once when the shared gate answers again. While it is local, each replica paces on
 * its own: together they may send up to N times one replica's rate, as before replicas shared anything.
 */
export class FallbackRateGate implements RateGate {
  private local = false;

  constructor(
    private readonly shared: RateGate,
    private readonly logger: Logger,
    private readonly fallback: RateGate = new LocalRateGate(),
    private readonly timeoutMs = SHARED_TIMEOUT_MS,
  ) {}

  async reserve(charges: readonly RateCharge[]): Promise<number> {
    try {
      const wait = await this.withTimeout(this.shared.reserve(charges));
      this.sharedAgain();
      return wait;
    } catch (err) {
      this.fellBack(err);
      return this.fallback.reserve(charges);
    }
  }

  async hold(keys: readonly string[], ms: number): Promise<void> {
    await this.fallback.hold(keys, ms);
    try {
      await this.withTimeout(this.shared.hold(keys, ms));
    } catch (err) {
      this.fellBack(err);
    }
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  private fellBack(err: unknown): void {
    if (this.local) return;
    this.local = true;
    this.logger.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'shared Slack pacing unavailable (Redis unreachable?): pacing this replica on its own until Redis answers',
    );
  }

  private sharedAgain(): void {
    if (!this.local) return;
    this.local = false;
    this.logger.info('shared Slack pacing back: replicas pace together through Redis again');
  }
}
