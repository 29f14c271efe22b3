import type { HostSnapshot } from '../../src/core/verb-result';
import type { HostContext } from '../srs/host-context';
import { observeHost, type ObservedHost } from '../srs/snapshot';

/** Why a host failed its post-upgrade checks (the rollout halts on any). */
export type HealthFailure = 'process_dead' | 'api_down' | 'version_mismatch' | 'not_new_process' | 'streams_not_recovered';

/** The verdict of the checks after an upgrade's restart. */
export interface UpgradeVerdict {
  ok: boolean;
  failure?: HealthFailure;
  /** One line for the summary. */
  detail: string;
  evidence: string[];
  observed: ObservedHost;
}

const POLL_MS = 1000;

/**
 * After the restart: the process lives, the API answers, reports the target version from a new process (service id
 * changed), and streams and publishers come back to at least what the host had before, within `healthTimeoutMs`
 * (encoders reconnect by themselves; a build that serves no streams never gets there).
 */
export async function verifyUpgrade(ctx: HostContext, target: string, before: HostSnapshot, healthTimeoutMs: number): Promise<UpgradeVerdict> {
  const wantStreams = before.streams ?? 0;
  const wantPublishers = before.publishers ?? 0;
  const deadline = Date.now() + healthTimeoutMs;
  for (;;) {
    const observed = await observeHost(ctx);
    const s = observed.snapshot;
    const fail = (failure: HealthFailure, detail: string): UpgradeVerdict => ({ ok: false, failure, detail, evidence: [detail], observed });
    if (s.state !== 'running') return fail('process_dead', `SRS is not running after the restart (${s.state.replace('_', ' ')})`);
    if (s.apiUp && s.version !== target) return fail('version_mismatch', `the API reports ${s.version ?? '?'}, not ${target}`);
    if (s.apiUp && s.serviceId !== undefined && s.serviceId === before.serviceId) return fail('not_new_process', `the API still answers from the old process (service ${s.serviceId})`);
    const streams = s.streams ?? 0;
    const publishers = s.publishers ?? 0;
    if (s.apiUp && streams >= wantStreams && publishers >= wantPublishers) {
      return { ok: true, detail: `serves ${target} (pid ${s.pid ?? '?'}), streams ${streams} of ${wantStreams}, publishers ${publishers} of ${wantPublishers}`, evidence: [`API: version ${target}, service ${s.serviceId ?? '?'}, ${streams} streams, ${publishers} publishers (before: ${wantStreams}, ${wantPublishers})`], observed };
    }
    if (Date.now() >= deadline) {
      if (!s.apiUp) return fail('api_down', `the API does not answer ${Math.round(healthTimeoutMs / 1000)}s after the restart`);
      return fail('streams_not_recovered', `streams ${streams} of ${wantStreams}, publishers ${publishers} of ${wantPublishers} after ${Math.round(healthTimeoutMs / 1000)}s`);
    }
    await ctx.sleep(POLL_MS);
  }
}
