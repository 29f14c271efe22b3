import type { HostContext } from './host-context';
import { logMark, readLogSince } from './read-log';
import { observeHost, type ObservedHost } from './snapshot';
import type { UpgradeBaseline } from '../../ports/upgrade-job-port';
import { plural } from '../../core/text/plural';

/** Why a host failed the health gate (a rollout halts on any). */
export type HealthFailure =
  'process_dead' | 'api_down' | 'version_mismatch' | 'not_new_process' | 'startup_failure' | 'streams_not_recovered';

/** The verdict of the health gate. */
export interface HealthVerdict {
  ok: boolean;
  failure?: HealthFailure;
  /** One line for the summary. */
  detail: string;
  evidence: string[];
  observed: ObservedHost;
}

/** What the gate expects of the host after an action, compared with the baseline taken before it. */
export interface HealthExpectation {
  /** The version the API must report (an upgrade's target; the baseline's own when no change is expected); unchecked when undefined. */
  version?: string;
  /** A process other than the baseline's must serve (upgrade, start, restart); a reload or rotate keeps its process. */
  newProcess: boolean;
  healthTimeoutMs: number;
  /** What was done, for the failure lines: `the restart`, `the reload`. */
  after: string;
}

/** What the gate compares with: the host before the step acted (version, process, streams, publishers, log position). */
export function baselineOf(o: ObservedHost): UpgradeBaseline {
  const s = o.snapshot;
  return {
    version: s.version ?? '',
    ...(s.pid !== undefined ? { pid: s.pid } : {}),
    ...(s.serviceId !== undefined ? { serviceId: s.serviceId } : {}),
    streams: s.streams ?? 0,
    publishers: s.publishers ?? 0,
    mark: logMark(o.probe),
  };
}

const POLL_MS = 1000;
/** SRS logs startup failures (bind, config) as `[ERROR]... Failed, code=...` (other `[ERROR]` lines are client trouble). */
const START_FAILURE = /Failed, code=/;
/** `[2026-12-01 18:00:00.000][ERROR][pid][cid] ...`: the pid field of a log line. */
const LINE_PID = /^\[[^\]]*\]\[[A-Z]+\]\[(\d+)\]/;

/**
 * The health gate of a rollout step (an upgrade's, or a rolling service verb's after a verb that leaves SRS running):
 * the process lives, the API answers (with the expected version, from a new process when one is expected), the
 * serving process logged no startup failure, and published streams came back to at least what the host had before,
 * within `healthTimeoutMs` (encoders reconnect by themselves; a build that serves no streams never gets there).
 * Everything is compared with the baseline taken before the step acted.
 */
export async function healthGate(ctx: HostContext, baseline: UpgradeBaseline, expect: HealthExpectation): Promise<HealthVerdict> {
  const deadline = Date.now() + expect.healthTimeoutMs;
  const secs = Math.round(expect.healthTimeoutMs / 1000);
  let mark = baseline.mark;
  const startFailures: string[] = [];
  for (;;) {
    const [observed, log] = await Promise.all([observeHost(ctx), readLogSince(ctx, mark)]);
    mark = log.mark;
    const s = observed.snapshot;
    startFailures.push(...log.lines.filter((l) => START_FAILURE.test(l) && s.pid !== undefined && LINE_PID.exec(l)?.[1] === String(s.pid)));
    const fail = (failure: HealthFailure, detail: string): HealthVerdict => ({ ok: false, failure, detail, evidence: [detail], observed });
    if (s.state !== 'running') return fail('process_dead', `SRS is not running after ${expect.after} (${s.state.replace('_', ' ')})`);
    if (startFailures.length > 0)
      return fail('startup_failure', `the new process logged a startup failure: ${(startFailures[0] ?? '').slice(0, 200)}`);
    if (s.apiUp && expect.version !== undefined && s.version !== expect.version)
      return fail('version_mismatch', `the API reports ${s.version ?? '?'}, not ${expect.version}`);
    if (expect.newProcess && s.apiUp && baseline.serviceId !== undefined && s.serviceId === baseline.serviceId)
      return fail('not_new_process', `the API still answers from the old process (service ${s.serviceId})`);
    if (expect.newProcess && baseline.serviceId === undefined && baseline.pid !== undefined && s.pid === baseline.pid)
      return fail('not_new_process', `the old process (pid ${s.pid}) still runs`);
    const streams = s.streams ?? 0;
    const publishers = s.publishers ?? 0;
    // What must come back is what was published: a stream listed only for its players is not one to recover.
    if (s.apiUp && publishers >= baseline.publishers) {
      const version = s.version ?? '?';
      return {
        ok: true,
        detail: `serves ${version} (pid ${s.pid ?? '?'}), published streams ${publishers} of ${baseline.publishers} back`,
        evidence: [
          `API: version ${version}, service ${s.serviceId ?? '?'} (was ${baseline.serviceId ?? '?'}), ${plural(streams, 'stream')}, ${plural(publishers, 'publisher')} (before: ${baseline.streams}, ${baseline.publishers}); no startup failure logged`,
        ],
        observed,
      };
    }
    if (Date.now() >= deadline) {
      if (!s.apiUp) return fail('api_down', `the API does not answer ${secs}s after ${expect.after}`);
      return fail(
        'streams_not_recovered',
        `published streams ${publishers} of ${baseline.publishers} after ${secs}s (streams listed: ${streams}, before: ${baseline.streams})`,
      );
    }
    await ctx.sleep(POLL_MS);
  }
}
