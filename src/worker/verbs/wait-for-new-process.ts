import { describeSnapshot } from '../../core/describe-snapshot';
import type { HostContext } from '../srs/host-context';
import { observeHost, type ObservedHost } from '../srs/snapshot';

const POLL_MS = 300;

/** Waits for a new SRS process (running, API answering with a service id other than `previousServiceId`). */
export async function waitForNewProcess(
  ctx: HostContext,
  previousServiceId: string | undefined,
  timeoutMs = ctx.settings.startSettleMs + ctx.settings.confirmTimeoutMs + 5000,
): Promise<{ ok: boolean; observed: ObservedHost; evidence: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const observed = await observeHost(ctx);
    const s = observed.snapshot;
    if (s.state === 'running' && s.apiUp && s.serviceId !== undefined && s.serviceId !== previousServiceId) {
      return {
        ok: true,
        observed,
        evidence: [`new process pid ${s.pid ?? '?'} serves (service ${s.serviceId}, was ${previousServiceId ?? '?'})`],
      };
    }
    if (Date.now() >= deadline)
      return { ok: false, observed, evidence: [`no new SRS process within ${timeoutMs} ms: ${describeSnapshot(s)}`] };
    await ctx.sleep(POLL_MS);
  }
}
