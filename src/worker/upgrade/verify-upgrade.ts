import type { HostContext } from '../srs/host-context';
import { readLogSince } from '../srs/read-log';
import { observeHost, type ObservedHost } from '../srs/snapshot';
import type { UpgradeBaseline } from '../../ports/upgrade-job-port';
import { plural } from '../../core/text/plural';

/** Why a host failed its post-upgrade checks (the rollout halts on any). */
export type HealthFailure =
  'process_dead' | 'api_down' | 'version_mismatch' | 'not_new_process' | 'startup_failure' | 'streams_not_recovered';

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
/** SRS logs startup failures (bind, config) as `[ERROR]... Failed, code=...` (other `[ERROR]` lines are client trouble). */
const START_FAILURE = /Failed, code=/;
/** `[2026-12-01 18:00:00.000][ERROR][pid][cid] ...`: the pid field of a log line. */
const LINE_PID = /^\[[^\]]*\]\[[A-Z]+\]\[(\d+)\]/;

/**
 * After the restart: the process lives, the API answers and reports the target version from a new process (another
 * service id than before the upgrade), the new process logged no startup failure, and streams and publishers came
 * back to at least what the host had before, within `healthTimeoutMs` (encoders reconnect by themselves; a build
 * that serves no streams never gets there). Everything is compared with the baseline taken before the upgrade.
 */
export async function verifyUpgrade(
  ctx: HostContext,
  target: string,
  baseline: UpgradeBaseline,
  healthTimeoutMs: number,
): Promise<UpgradeVerdict> {
  const deadline = Date.now() + healthTimeoutMs;
  let mark = baseline.mark;
  const startFailures: string[] = [];
  for (;;) {
    const [observed, log] = await Promise.all([observeHost(ctx), readLogSince(ctx, mark)]);
    mark = log.mark;
    const s = observed.snapshot;
    startFailures.push(...log.lines.filter((l) => START_FAILURE.test(l) && s.pid !== undefined && LINE_PID.exec(l)?.[1] === String(s.pid)));
    const fail = (failure: HealthFailure, detail: string): UpgradeVerdict => ({ ok: false, failure, detail, evidence: [detail], observed });
    if (s.state !== 'running') return fail('process_dead', `SRS is not running after the restart (${s.state.replace('_', ' ')})`);
    if (startFailures.length > 0)
      return fail('startup_failure', `the new process logged a startup failure: ${(startFailures[0] ?? '').slice(0, 200)}`);
    if (s.apiUp && s.version !== target) return fail('version_mismatch', `the API reports ${s.version ?? '?'}, not ${target}`);
    if (s.apiUp && baseline.serviceId !== undefined && s.serviceId === baseline.serviceId)
      return fail('not_new_process', `the API still answers from the old process (service ${s.serviceId})`);
    const streams = s.streams ?? 0;
    const publishers = s.publishers ?? 0;
    // What must come back is what was published: a stream listed only for its players is not one to recover.
    if (s.apiUp && publishers >= baseline.publishers) {
      return {
        ok: true,
        detail: `serves ${target} (pid ${s.pid ?? '?'}), published streams ${publishers} of ${baseline.publishers} back`,
        evidence: [
          `API: version ${target}, service ${s.serviceId ?? '?'} (was ${baseline.serviceId ?? '?'}), ${plural(streams, 'stream')}, ${plural(publishers, 'publisher')} (before: ${baseline.streams}, ${baseline.publishers}); no startup failure logged`,
        ],
        observed,
      };
    }
    if (Date.now() >= deadline) {
      if (!s.apiUp) return fail('api_down', `the API does not answer ${Math.round(healthTimeoutMs / 1000)}s after the restart`);
      return fail(
        'streams_not_recovered',
        `published streams ${publishers} of ${baseline.publishers} after ${Math.round(healthTimeoutMs / 1000)}s (streams listed: ${streams}, before: ${baseline.streams})`,
      );
    }
    await ctx.sleep(POLL_MS);
  }
}
