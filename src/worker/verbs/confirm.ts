import { describePortHolders, describeSnapshot, isDown } from '../../core/describe-snapshot';
import type { HostSnapshot, PortHolder } from '../../core/verb-result';
import type { HostContext } from '../srs/host-context';
import { stripAnsi } from '../../core/strip-ansi';
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

/** True when the snapshot is a process other than the one whose API service id was `previousServiceId`. */
export function isFresh(s: HostSnapshot, previousServiceId: string | undefined): boolean {
  return previousServiceId === undefined || (s.serviceId !== undefined && s.serviceId !== previousServiceId);
}

/**
 * `port 1935 is held by nc (pid 1234): SRS cannot start until it is freed` ('' when no other program holds a port);
 * `now`: `is now held by`.
 */
export function heldPorts(holders: readonly PortHolder[] | undefined, now = false): string {
  const text = describePortHolders(holders ?? [], now);
  const ports = new Set((holders ?? []).map((h) => h.port));
  return text === '' ? '' : `${text}: SRS cannot start until ${ports.size === 1 ? 'it is' : 'they are'} freed`;
}

/** The snapshot without its port holders (for a summary that names them already). */
export function withoutHolders(s: HostSnapshot): HostSnapshot {
  const copy = { ...s };
  delete copy.portHolders;
  return copy;
}

/**
 * Confirms SRS started: after the settle time (a bind failure kills SRS ~1.2 s after init.d said OK), the pid file's
 * process is SRS and alive, the API answers with that pid (and a new service id when `previousServiceId` is given),
 * and the log has no failure line since `mark`. A failure names the programs holding SRS's ports, if any.
 */
export async function confirmStarted(
  ctx: HostContext,
  mark: LogMark,
  previousServiceId?: string,
  launcherMark?: LogMark,
): Promise<StartConfirmation> {
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
    const held = heldPorts(s.portHolders);
    if (isDown(s)) {
      // Nothing in the log: SRS may have died before opening it (a config syntax error), saying why in `<log>.sys`.
      const early = failures.length === 0 && launcherMark !== undefined ? await launcherError(ctx, launcherMark) : undefined;
      const why =
        failures.length > 0
          ? 'SRS exited right after starting'
          : early !== undefined
            ? `SRS exited before opening its log: "${early}"`
            : 'SRS is not running';
      const said = early === undefined ? [] : [`${launcherMark?.file ?? 'srs.log.sys'}: ${early}`];
      return {
        ok: false,
        observed,
        evidence: [...evidence, ...said, `after ${ctx.settings.startSettleMs} ms: ${describeSnapshot(s)}`],
        reason: held === '' ? why : `${why}; ${held}`,
      };
    }
    if (s.state === 'running' && s.apiUp && isFresh(s, previousServiceId) && failures.length === 0) {
      return { ok: true, observed, evidence: [`pid ${s.pid ?? '?'} alive, API answers (service ${s.serviceId ?? '?'})`] };
    }
    if (Date.now() >= deadline) {
      const why =
        failures.length > 0 ? 'SRS logged a startup failure' : !s.apiUp ? 'SRS runs but its API does not answer' : 'no new SRS process';
      return {
        ok: false,
        observed,
        evidence: [...evidence, `after ${ctx.settings.startSettleMs + ctx.settings.confirmTimeoutMs} ms: ${why}`],
        reason: held === '' ? why : `${why}; ${held}`,
      };
    }
    await ctx.sleep(POLL_MS);
  }
}

/** The first error SRS printed to the launcher's output file since `mark` (ANSI colours stripped), if any. */
async function launcherError(ctx: HostContext, mark: LogMark): Promise<string | undefined> {
  const { lines } = await readLogSince(ctx, mark);
  const line = lines.map(stripAnsi).find((l) => START_FAILURE.test(l));
  return line === undefined ? undefined : line.replace(/^\[[^\]]*\]\[ERROR\]\[\d+\]\[[^\]]*\](\[\d+\])?\s*/, '').slice(0, 300);
}

/** How a stop was confirmed. */
export interface StopConfirmation {
  ok: boolean;
  observed: ObservedHost;
  evidence: string[];
}

/**
 * Confirms SRS is gone: the pid file's process is not alive (gone, reaped, or a zombie: it has exited) and no
 * listening media/API port belongs to this root's SRS. A port another program took meanwhile does not make the stop
 * fail: the snapshot's port holders name it.
 */
export async function confirmGone(ctx: HostContext, timeoutMs: number, pid?: number): Promise<StopConfirmation> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const observed = await observeHost(ctx);
    const s: HostSnapshot = observed.snapshot;
    const srsPorts = observed.probe.srsListening ?? observed.probe.listening;
    if (isDown(s) && srsPorts.length === 0) {
      const others = describePortHolders(s.portHolders ?? []);
      return {
        ok: true,
        observed,
        evidence: [
          `pid ${pid ?? s.pid ?? '-'} gone${s.state === 'zombie' ? ' (a zombie: exited, not reaped)' : ''}, SRS's ports closed${others === '' ? '' : `; ${others}`}`,
        ],
      };
    }
    if (Date.now() >= deadline) {
      const owners = [...new Set((observed.probe.listeners ?? []).flatMap((l) => l.owners.filter((o) => o.srs).map((o) => o.pid)))];
      const why = isDown(s)
        ? `${describeSnapshot(s)}, but an SRS of this root still listens on ${srsPorts.join(', ')}${owners.length > 0 ? ` (pid ${owners.join(', ')})` : ''}`
        : `pid ${s.pid ?? '?'} still running`;
      return { ok: false, observed, evidence: [why] };
    }
    await ctx.sleep(POLL_MS);
  }
}
