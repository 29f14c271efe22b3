import { trimOutput } from '../../core/strip-ansi';
import { describeSnapshot, isDown } from '../../core/describe-snapshot';
import { configTestArgv, judgeConfigTest } from '../srs/config-test';
import type { HostContext } from '../srs/host-context';
import { logMark, readLogSince, type LogMark } from '../srs/read-log';
import { assertPrivilegeGranted } from '../srs/privileged-command';
import { execRecorded } from '../srs/record-command';
import { observeHost, type ObservedHost } from '../srs/snapshot';
import { crashFromLog, describeReloadDeath, readCrashClues } from './reload-death';
import { runService, unchanged, type ServiceRun, type VerbRunner, type VerbStep } from './verb-step';

const RELOAD_OK = /reload config success/;
const RELOAD_FAILED = /reload failed/;
/** SRS logs `[ERROR]` lines (an assert's backtrace) before it dies on a reload. */
const ERROR_LINE = /\[ERROR\]/;
/** After an `[ERROR]` line: how long SRS may take to die (the backtrace takes ~0.3 s to print). */
const CRASH_WAIT_MS = 5000;
const POLL_MS = 250;

/** How a SIGHUP ended: SRS's reload line, the log since the reload, and whether the process died. */
interface ReloadSeen {
  line?: string;
  lines: string[];
  died: boolean;
  observed: ObservedHost;
}

/**
 * Follows the log after SIGHUP until SRS logs the reload's success or failure. Once an `[ERROR]` line shows up the
 * process is watched too: a reload can make SRS assert and die (5.0 and 6.0: a changed RTMP `listen` port) with no
 * reload line at all.
 */
async function awaitReload(ctx: HostContext, mark: LogMark): Promise<ReloadSeen> {
  const deadline = Date.now() + ctx.settings.confirmTimeoutMs;
  let crashDeadline: number | undefined;
  let current = mark;
  const lines: string[] = [];
  for (;;) {
    const read = await readLogSince(ctx, current);
    current = read.mark;
    lines.push(...read.lines);
    const line = read.lines.find((l) => RELOAD_OK.test(l) || RELOAD_FAILED.test(l));
    if (line !== undefined) return { line, lines, died: false, observed: await observeHost(ctx) };
    if (crashDeadline === undefined && read.lines.some((l) => ERROR_LINE.test(l))) crashDeadline = Date.now() + CRASH_WAIT_MS;
    const last = Date.now() >= Math.max(deadline, crashDeadline ?? 0) || ctx.signal?.aborted === true;
    if (crashDeadline !== undefined || last) {
      const observed = await observeHost(ctx);
      if (isDown(observed.snapshot)) {
        lines.push(...(await readLogSince(ctx, current)).lines);
        return { lines, died: true, observed };
      }
      if (last) return { lines, died: false, observed };
    }
    await ctx.sleep(POLL_MS);
  }
}

/**
 * `reload`: tests the config with `objs/srs -t -c` first and refuses a broken one (SRS's own reload says OK even
 * then); then SIGHUP through the service, confirmed by SRS's `reload config success` log line. A reload that kills
 * SRS is a failure, reported with its log error, the port holder and the way back.
 */
export const reload: VerbRunner = async (ctx, before) => {
  if (before.snapshot.state !== 'running') {
    return unchanged('refused', `not reloaded: SRS is not running (${describeSnapshot(before.snapshot)}); start it instead`, before);
  }
  const tested = await testConfig(ctx, before);
  if (!tested.ok) return tested.refused;
  const mark = logMark(before.probe);
  const run = await runService(ctx, 'reload');
  const seen = await awaitReload(ctx, mark);
  const after = seen.observed.snapshot;
  const evidence = [`config test: ${tested.line}`, run.evidence];
  if (seen.died) return diedOnReload(ctx, before, seen, run, evidence);
  if (seen.line !== undefined) evidence.push(`log: ${seen.line.slice(0, 300)}`);
  const ok = seen.line !== undefined && RELOAD_OK.test(seen.line);
  const failed = seen.line !== undefined && RELOAD_FAILED.test(seen.line);
  return {
    outcome: ok && after.state === 'running' ? 'ok' : failed ? 'failed' : 'unknown',
    summary: ok
      ? `reloaded: SRS logged "reload config success"; ${describeSnapshot(after)}`
      : failed
        ? 'reload FAILED: SRS refused the new config (see log line); it keeps the old one'
        : `reload NOT CONFIRMED: no reload line in the log within ${ctx.settings.confirmTimeoutMs} ms; ${describeSnapshot(after)}`,
    evidence,
    after,
    exitCode: run.exec.code,
    output: run.output,
  };
};

/** `objs/srs -t -c` on the config: its verdict line, or the refusal of a config it fails. */
async function testConfig(ctx: HostContext, before: ObservedHost): Promise<{ ok: true; line: string } | { ok: false; refused: VerbStep }> {
  const test = await execRecorded(ctx, {
    argv: configTestArgv(ctx.hostConfig),
    timeoutMs: Math.min(ctx.commandTimeoutMs, 20000),
  });
  assertPrivilegeGranted(ctx.hostConfig, test);
  const testOutput = trimOutput(`${test.stdout}\n${test.stderr}`, ctx.settings.outputCapChars);
  const verdict = judgeConfigTest(test.code, `${test.stdout}\n${test.stderr}`);
  if (verdict.ok) return { ok: true, line: verdict.line };
  return {
    ok: false,
    refused: {
      ...unchanged(
        'refused',
        `reload REFUSED: ${ctx.hostConfig.srsConfig} fails \`srs -t\` (${verdict.line}); the running config is unchanged`,
        before,
        [`config test: exit ${test.code ?? '?'}`],
      ),
      output: testOutput,
      exitCode: test.code,
    },
  };
}

/** SRS died on the SIGHUP: a failure, with its log errors, its backtrace and the way back. */
async function diedOnReload(
  ctx: HostContext,
  before: ObservedHost,
  seen: ReloadSeen,
  run: ServiceRun,
  evidence: string[],
): Promise<VerbStep> {
  const after = seen.observed.snapshot;
  const log = crashFromLog(seen.lines);
  const clues = await readCrashClues(ctx, before.probe.pidFile);
  const errors = seen.lines.filter((l) => ERROR_LINE.test(l));
  evidence.push(
    `pid ${before.snapshot.pid ?? '?'} gone after SIGHUP: ${describeSnapshot(after)}`,
    ...errors.slice(0, 2).map((l) => `log: ${l.slice(0, 300)}`),
  );
  if (log.failedIn !== undefined) evidence.push(`backtrace: ${log.failedIn}${log.during !== undefined ? ` <- ${log.during}` : ''}`);
  return {
    outcome: 'failed',
    errorCode: 'srs_died',
    summary: describeReloadDeath(ctx.hostConfig.name, ctx.hostConfig.srsRoot, before.snapshot.pid, log, clues),
    evidence,
    after,
    exitCode: run.exec.code,
    output: run.output,
  };
}
