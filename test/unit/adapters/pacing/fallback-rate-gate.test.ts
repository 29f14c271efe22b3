import { FallbackRateGate } from '../../../../src/adapters/pacing/fallback-rate-gate';
import type { Logger } from '../../../../src/ports/logger-port';
import type { RateGate } from '../../../../src/ports/rate-gate-port';

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = (a: unknown, b?: string): void => void lines.push(typeof a === 'string' ? a : (b ?? ''));
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return { logger, lines };
}

const charge = [{ key: 'k', limit: { intervalMs: 1000, burst: 1 } }];

describe('FallbackRateGate', () => {
  it('paces locally when the shared gate fails, logs it once, and says when the shared gate is back', async () => {
    let down = true;
    const shared: RateGate = {
      reserve: () => (down ? Promise.reject(new Error('Connection is closed.')) : Promise.resolve(7)),
      hold: () => Promise.resolve(),
    };
    const { logger, lines } = recordingLogger();
    const gate = new FallbackRateGate(shared, logger);
    expect(await gate.reserve(charge)).toBe(0);
    expect(await gate.reserve(charge)).toBeGreaterThan(900); // the local gate's pacing
    expect(lines.filter((l) => l.includes('unavailable'))).toHaveLength(1);
    down = false;
    expect(await gate.reserve(charge)).toBe(7);
    expect(lines.filter((l) => l.includes('back'))).toHaveLength(1);
  });

  it('does not hang on a shared gate that never answers', async () => {
    const shared: RateGate = { reserve: () => new Promise<number>(() => undefined), hold: () => new Promise<void>(() => undefined) };
    const gate = new FallbackRateGate(shared, recordingLogger().logger, undefined, 50);
    const started = Date.now();
    expect(await gate.reserve(charge)).toBe(0);
    await gate.hold(['k'], 10);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
