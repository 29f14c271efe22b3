import { isDown } from '../../src/core/describe-snapshot';
import type { HostSnapshot } from '../../src/core/verb-result';
import type { HostContext } from '../srs/host-context';
import { readLogSince, type LogMark } from '../srs/read-log';
import { observeHost, type ObservedHost } from '../srs/snapshot';

/** SRS logs startup failures (bind, config) as `[ERROR]... Failed, code=...`. */
const START_FAILURE = /Failed, code=|\[ERROR\]/;
const POLL_MS = 300;

/** How a start was confirmed. */
export interface StartConfirmation {
  ok: boolean;
  observed: ObservedHost;
  evidence: string[];
  /** Why it failed, for the summary. */
  reason?: string;
}

/**
 * Confirms SRS started: after the settle time (a bind failure kills SRS ~1.2 s after init.d said OK), the pid file's
 * process is SRS and alive, the API answers with that pid (and a new service id when `previousServiceId` is given),
 * and the log has no failure line since `mark`.
 */
export async function confirmStarted(ctx: HostContext, mark: LogMark, previousServiceId?: string): Promise<StartConfirmation> {
  await ctx.sleep(ctx.settings.startSettleMs);
  const deadline = Date.now() + ctx.settings.confirmTimeoutMs;
  let logMarkNow = mark;
  const failures: string[] = [];
  for (;;) {
    const [observed, log] = await Promise.all([observeHost(ctx), readLogSince(ctx, logMarkNow)]);
    logMarkNow = log.mark;
    failures.push(...log.lines.filter((l) => START_FAILURE.test(l)));
    const s = observed.snapshot;
    const evidence = failures.slice(0, 3).map((l) => `log: ${l.slice(0, 300)}`);
    if (isDown(s)) {
      return { ok: false, observed, evidence: [...evidence, `pid ${s.pid ?? '-'} is not running after ${ctx.settings.startSettleMs} ms`], reason: failures.length > 0 ? 'SRS exited right after starting' : 'SRS is not running' };
    }
    const fresh = previousServiceId === undefined || (s.serviceId !== undefined && s.serviceId !== previousServiceId);
    if (s.state === 'running' && s.apiUp && fresh && failures.length === 0) {
      return { ok: true, observed, evidence: [`pid ${s.pid ?? '?'} alive, API answers (service ${s.serviceId ?? '?'})`] };
    }
    if (Date.now() >= deadline) {
      const reason = failures.length > 0 ? 'SRS logged a startup failure' : !s.apiUp ? 'SRS runs but its API does not answer' : 'no new SRS process';
      return { ok: false, observed, evidence: [...evidence, `after ${ctx.settings.startSettleMs + ctx.settings.confirmTimeoutMs} ms: ${reason}`], reason };
    }
    await ctx.sleep(POLL_MS);
  }
}

/** Confirms SRS is gone: the pid is not alive (and not a zombie) and its listening ports are closed. */
export async function confirmGone(ctx: HostContext, timeoutMs: number, pid?: number): Promise<{ ok: boolean; observed: ObservedHost; evidence: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const observed = await observeHost(ctx);
    const s: HostSnapshot = observed.snapshot;
    const ports = observed.probe.listening;
    if (isDown(s) && ports.length === 0) {
      return { ok: true, observed, evidence: [`pid ${pid ?? s.pid ?? '-'} gone, ports closed`] };
    }
    if (Date.now() >= deadline) {
      const why = s.state === 'zombie' ? `pid ${s.pid ?? '?'} is a zombie` : isDown(s) ? `ports still listening: ${ports.join(', ')}` : `pid ${s.pid ?? '?'} still running`;
      return { ok: false, observed, evidence: [why] };
    }
    await ctx.sleep(POLL_MS);
  }
}
