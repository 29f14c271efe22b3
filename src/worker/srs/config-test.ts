import type { HostConfig } from '../../../config/schema';
import { stripAnsi } from '../../core/strip-ansi';
import { privilegedArgv } from './privileged-command';
import { CONFIG_TEST_SCRIPT, scriptArgv } from './remote-scripts';

/** What `objs/srs -t -c FILE` said about a config. */
export interface ConfigTestVerdict {
  /** SRS printed `test is successful` and exited 0. */
  ok: boolean;
  /** The line that says why: the success line, or SRS's own error line (log prefix removed). */
  line: string;
}

/** `[2026-12-07 01:53:11.351][INFO][20673][j13i90a1] ` (and `[errno] ` after an ERROR's context id). */
const LOG_PREFIX = /^\[[^\]]*\]\[(?:INFO|WARN|ERROR|TRACE|DEBUG|VERB)\]\[\d+\]\[[^\]]*\](?:\[\d+\])?\s*/;
const SUCCESS = /test is successful/;
/** SRS's config errors: `invalid configcode=1023(ConfigInvalid) : ... : line 24: unexpected '}' in conf/x.conf`. */
const ERROR_LINES = [/code=\d+\(\w+\)/, /\[ERROR\]/, /test is failed/];

/** One output line, readable: no ANSI colours, no log prefix. */
function clean(line: string): string {
  return stripAnsi(line).trim().replace(LOG_PREFIX, '').slice(0, 300);
}

/**
 * Judges SRS's config test by its `test is successful` line together with exit 0 (an AddressSanitizer leak report
 * can make the exit code non-zero after a successful test: the scripts turn leak detection off, and a test that
 * succeeded but exited otherwise is still not taken as passed). For a failed test, quotes SRS's own error line.
 */
export function judgeConfigTest(exitCode: number | null, output: string): ConfigTestVerdict {
  const lines = output
    .split('\n')
    .map((l) => stripAnsi(l).trim())
    .filter((l) => l !== '');
  const success = lines.find((l) => SUCCESS.test(l));
  if (success !== undefined && exitCode === 0) return { ok: true, line: clean(success) };
  for (const pattern of ERROR_LINES) {
    const hit = lines.find((l) => pattern.test(l));
    if (hit !== undefined) return { ok: false, line: clean(hit) };
  }
  if (success !== undefined) return { ok: false, line: `${clean(success)}, but srs -t exited ${exitCode ?? '?'}` };
  const last = lines[lines.length - 1];
  return { ok: false, line: last !== undefined ? clean(last) : `no output (exit ${exitCode ?? '?'})` };
}

/** The argv of SRS's config test on the host's config: the script as the login, or the helper's `config-test`. */
export function configTestArgv(host: Pick<HostConfig, 'srsRoot' | 'srsConfig' | 'become' | 'system'>): string[] {
  const args = [host.srsRoot, host.srsConfig];
  return privilegedArgv(host, scriptArgv(CONFIG_TEST_SCRIPT, 'srs-config-test', args), 'config-test', args);
}
