import { trimOutput } from '../../src/core/strip-ansi';
import { describeSnapshot } from '../../src/core/describe-snapshot';
import { logMark, waitForLogLine } from '../srs/read-log';
import { CONFIG_TEST_SCRIPT, scriptArgv } from '../srs/remote-scripts';
import { observeHost } from '../srs/snapshot';
import { lastLine, runService, unchanged, type VerbRunner } from './verb-step';

const RELOAD_OK = /reload config success/;
const RELOAD_FAILED = /reload failed/;

/**
 * `reload`: tests the config with `objs/srs -t -c` first and refuses a broken one (SRS's own reload says OK even
 * then); then SIGHUP through the service, confirmed by SRS's `reload config success` log line.
 */
export const reload: VerbRunner = async (ctx, before) => {
  if (before.snapshot.state !== 'running') {
    return unchanged('refused', `not reloaded: SRS is not running (${describeSnapshot(before.snapshot)}); start it instead`, before);
  }
  const test = await ctx.hosts.exec(ctx.target, {
    argv: scriptArgv(CONFIG_TEST_SCRIPT, 'srs-config-test', [ctx.host.srsRoot, ctx.host.srsConfig]),
    timeoutMs: Math.min(ctx.commandTimeoutMs, 20000),
  });
  const testOutput = trimOutput(`${test.stdout}\n${test.stderr}`, ctx.settings.outputCapChars);
  if (test.code !== 0 || !/test is successful/.test(testOutput)) {
    return {
      ...unchanged('refused', `reload REFUSED: ${ctx.host.srsConfig} fails \`srs -t\` (${lastLine(testOutput)}); the running config is unchanged`, before, [
        `config test: exit ${test.code ?? '?'}`,
      ]),
      output: testOutput,
      exitCode: test.code,
    };
  }
  const mark = logMark(before.probe);
  const run = await runService(ctx, 'reload');
  const seen = await waitForLogLine(ctx, mark, [RELOAD_OK, RELOAD_FAILED], ctx.settings.confirmTimeoutMs);
  const after = (await observeHost(ctx)).snapshot;
  const evidence = ['config test: test is successful', run.evidence];
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
