import type { DrainCount, HostSnapshot, Outcome } from '../../core/verb-result';
import { stripAnsi, trimOutput } from '../../core/strip-ansi';
import type { ExecResult } from '../../ports/host-port';
import type { HostContext } from '../srs/host-context';
import type { ObservedHost } from '../srs/snapshot';
import type { ServiceChange } from '../../core/verbs';
import { serviceCommand } from '../srs/service-command';
import { assertPrivilegeGranted } from '../srs/privileged-command';
import { execRecorded } from '../srs/record-command';

/** What one verb decided, before the runner adds host, timing and the before snapshot. */
export interface VerbStep {
  outcome: Outcome;
  summary: string;
  evidence: string[];
  after: HostSnapshot;
  exitCode: number | null;
  output: string;
  /** An ErrorCode (or `confirmation_required`) when the outcome has a machine-readable reason. */
  errorCode?: string;
  /** A survey's status: the commands the planned verb would send (VerbResult.planned). */
  planned?: string[];
  /** A graceful quit's clients (grace, restart --graceful, an upgrade's restart): drained, forced off, dropped. */
  drain?: DrainCount;
}

/** A verb implementation: acts on the host and confirms the outcome there. */
export type VerbRunner = (ctx: HostContext, before: ObservedHost) => Promise<VerbStep>;

/** The result of a service command plus a line of evidence about it (its exit code is never trusted alone). */
export interface ServiceRun {
  exec: ExecResult;
  output: string;
  evidence: string;
}

/** Runs `systemctl ACTION srs` or the init.d script with ACTION. */
export async function runService(ctx: HostContext, action: ServiceChange, timeoutMs = ctx.commandTimeoutMs): Promise<ServiceRun> {
  await ctx.checkpoint?.mark(action);
  const exec = await execRecorded(ctx, serviceCommand(ctx, action, timeoutMs));
  assertPrivilegeGranted(ctx.hostConfig, exec);
  const output = trimOutput(`${exec.stdout}\n${exec.stderr}`, ctx.settings.outputCapChars);
  const tool =
    ctx.hostConfig.serviceManager === 'systemd' && action !== 'rotate' && action !== 'grace' ? `systemctl ${action}` : `init.d ${action}`;
  let evidence: string;
  if (exec.timedOut) evidence = `${tool}: timed out after ${Math.round(timeoutMs / 1000)}s (outcome re-checked on the host)`;
  else if (exec.connectionLost) evidence = `${tool}: SSH connection lost mid-command (outcome re-checked on the host)`;
  else evidence = `${tool}: exit ${exec.code ?? '?'}, said "${lastLine(output)}" (not trusted; confirmed on the host)`;
  return { exec, output, evidence };
}

/** The last non-empty line of a command's output. */
export function lastLine(text: string): string {
  const lines = stripAnsi(text)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return (lines[lines.length - 1] ?? '').slice(0, 200);
}

/** A step that changed nothing. */
export function unchanged(outcome: VerbStep['outcome'], summary: string, before: ObservedHost, evidence: string[] = []): VerbStep {
  return { outcome, summary, evidence, after: before.snapshot, exitCode: null, output: '' };
}
