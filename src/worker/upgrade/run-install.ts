import { trimOutput } from '../../core/strip-ansi';
import type { HostContext } from '../srs/host-context';
import { lastLine } from '../verbs/verb-step';
import { installArgv } from './install-command';
import { assertPrivilegeGranted, installCommandArgv } from '../srs/privileged-command';
import { execRecorded } from '../srs/record-command';
import type { UpgradeJob } from '../../ports/upgrade-job-port';

/** What the install command did. */
export interface InstallRun {
  ok: boolean;
  code: number | null;
  output: string;
  evidence: string;
}

/** Runs the configured install command on the host for `version` (an argument, never shell text). */
export async function runInstall(ctx: HostContext, job: UpgradeJob, version: string, previous: string): Promise<InstallRun> {
  const argv = installArgv(job.install, { version, root: ctx.hostConfig.srsRoot, previous });
  await ctx.checkpoint?.mark(`install ${version}`);
  const exec = await execRecorded(ctx, { argv: installCommandArgv(ctx.hostConfig, argv), timeoutMs: job.installTimeoutMs });
  assertPrivilegeGranted(ctx.hostConfig, exec);
  const output = trimOutput(`${exec.stdout}\n${exec.stderr}`, ctx.settings.outputCapChars);
  const said = lastLine(output);
  const ok = exec.code === 0;
  let evidence: string;
  if (exec.timedOut) evidence = `install ${version}: timed out after ${Math.round(job.installTimeoutMs / 1000)}s`;
  else if (exec.connectionLost) evidence = `install ${version}: SSH connection lost mid-command (outcome unknown)`;
  else evidence = `install ${version}: exit ${exec.code ?? '?'}, said "${said}"`;
  return { ok, code: exec.code, output, evidence };
}
