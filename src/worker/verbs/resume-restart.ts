import { describeSnapshot, isDown } from '../../core/describe-snapshot';
import type { HostSnapshot } from '../../core/verb-result';
import type { HostContext } from '../srs/host-context';
import type { ObservedHost } from '../srs/snapshot';
import type { CheckpointState } from '../../ports/checkpoint-port';
import { confirmGone } from './confirm';
import { restarted } from './restart';
import { startSrs } from './start-srs';
import type { VerbStep } from './verb-step';
import { waitForNewProcess } from './wait-for-new-process';

/** The commands that end a restart: after one of them, nothing is left to send but a start that did not happen. */
const FINAL = new Set(['start', 'restart']);

/** True when `s` is an SRS process other than the one the restart began on. */
function isNewProcess(s: HostSnapshot, old: CheckpointState['process']): boolean {
  if (s.state !== 'running' || old === undefined) return false;
  return (
    (old.pid !== undefined && s.pid !== old.pid) ||
    (old.serviceId !== undefined && s.serviceId !== undefined && s.serviceId !== old.serviceId)
  );
}

/** What a resumed restart knows before acting: what was sent, on which process, and how the result opens. */
interface Resumed {
  ctx: HostContext;
  earlier: CheckpointState;
  /** The commands the previous worker(s) sent, in order. */
  sent: string[];
  old: CheckpointState['process'];
  oldPid: number | undefined;
  /** `restart finished by worker w2 after w1 stopped mid-way` */
  who: string;
  evidence: string[];
}

/**
 * Finishes a restart that a previous worker left half done (it stopped after sending `stop`, or `start` / systemd's
 * `restart`): what was sent is in the checkpoint, what happened is read on the host, and only what is missing is sent.
 * `stop` is never sent twice: a process that outlives a sent stop is waited for (the stop may still be running), never
 * stopped again. Everything is said in the result: who stopped, what had been sent, what was sent now.
 */
export async function resumeRestart(ctx: HostContext, before: ObservedHost, earlier: CheckpointState): Promise<VerbStep> {
  const old = earlier.process;
  const r: Resumed = {
    ctx,
    earlier,
    sent: earlier.steps.map((s) => s.action),
    old,
    oldPid: old?.pid ?? before.snapshot.pid,
    who: `restart finished by worker ${ctx.checkpoint?.worker ?? '?'} after ${[...new Set(earlier.steps.map((s) => s.worker))].join(', ')} stopped mid-way`,
    evidence: [`resumed: ${earlier.steps.map((s) => `\`${s.action}\` sent by ${s.worker}`).join(', ')}; not sent again`],
  };
  const s = before.snapshot;
  if (isNewProcess(s, old)) return confirmNew(r);
  let down = isDown(s);
  const waited: string[] = [];
  if (!down && !r.sent.some((a) => FINAL.has(a))) {
    // `stop` was sent and the old process still runs: the stop may still be under way. Wait for it; never resend it.
    const gone = await confirmGone(ctx, ctx.settings.stopTimeoutMs, r.oldPid);
    waited.push(...gone.evidence);
    down = gone.ok;
    if (!gone.ok) return stopNotDone(r, gone.observed.snapshot, waited);
  }
  if (!down) {
    // The restart's last command was sent, yet the process it began on still runs: sending it again would stop SRS twice.
    return {
      outcome: 'unknown',
      summary: `restart NOT finished: ${r.sent.join(', ')} had been sent by a worker that stopped mid-way, but pid ${s.pid ?? '?'} still runs (${describeSnapshot(s)}); nothing sent again: check with \`/srs status ${ctx.hostConfig.name}\``,
      evidence: r.evidence,
      after: s,
      exitCode: null,
      output: '',
      errorCode: 'interrupted',
    };
  }
  const started = await startSrs(ctx, old?.serviceId);
  const doneSoFar = r.sent.includes('stop') ? 'stop done' : `${r.sent.join(', ')} sent but SRS is not running`;
  const step = restarted(started, r.oldPid, `${r.who}: ${doneSoFar}, start sent now, but restart FAILED (SRS did not start)`, [
    ...r.evidence,
    ...waited,
  ]);
  return started.ok ? { ...step, summary: `${r.who}: ${doneSoFar}, start sent now; ${step.summary}` } : step;
}

/** The start happened: confirm the new process serves, send nothing. */
async function confirmNew(r: Resumed): Promise<VerbStep> {
  const fresh = await waitForNewProcess(r.ctx, r.old?.serviceId);
  const after = fresh.observed.snapshot;
  return {
    outcome: fresh.ok ? 'ok' : 'failed',
    summary: `${r.who}: ${r.sent.join(', ')} done, nothing left to send; ${fresh.ok ? `restarted: pid ${r.oldPid ?? '-'} → ${after.pid ?? '?'}, ${describeSnapshot(after)}` : `restart FAILED: the new process does not serve; now ${describeSnapshot(after)}`}`,
    evidence: [...r.evidence, ...fresh.evidence],
    after,
    exitCode: null,
    output: '',
  };
}

/** `stop` had been sent, and the old process outlived the wait for it: unknown, and `stop` is not sent again. */
function stopNotDone(r: Resumed, after: HostSnapshot, waited: string[]): VerbStep {
  const { ctx, earlier } = r;
  return {
    outcome: 'unknown',
    summary: `restart NOT finished: ${ctx.checkpoint?.worker ?? 'this worker'} took it over after ${earlier.steps.map((x) => x.worker).join(', ')} stopped mid-way; \`stop\` had been sent, but pid ${r.oldPid ?? '?'} still runs (${describeSnapshot(after)}). \`stop\` is never sent twice: check with \`/srs status ${ctx.hostConfig.name}\`, then restart again`,
    evidence: [...r.evidence, ...waited],
    after,
    exitCode: null,
    output: '',
    errorCode: 'interrupted',
  };
}
