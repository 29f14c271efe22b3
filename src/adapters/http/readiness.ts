import { withTimeout } from '../../core/with-timeout';

/** One thing a process needs to do its work; `run` resolves with a detail when fine, rejects with the reason when not. */
export interface ReadinessCheck {
  name: string;
  run: () => Promise<string>;
}

/** What `/readyz` answers. */
export interface ReadinessReport {
  ready: boolean;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}

/** Runs every check at once, each bounded by `timeoutMs`; ready when all pass. */
export async function assessReadiness(checks: readonly ReadinessCheck[], timeoutMs = 1500): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        const detail = await withTimeout(c.run(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
        return { name: c.name, ok: true, detail };
      } catch (err) {
        return { name: c.name, ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  return { ready: results.every((r) => r.ok), checks: results };
}
