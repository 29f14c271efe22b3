import type { ExecResult, RemoteCommand } from '../../ports/host-port';
import type { TranscriptEntry } from '../../ports/output-store-port';
import type { HostContext } from './host-context';
import { displayCommand } from './display-command';

/**
 * Runs a state-changing remote command (service action, signal, config test, install) and appends it to the job's
 * transcript with everything it printed. A command that could not be sent at all (connect, auth or host-key failure)
 * is recorded too, its error as stderr, then the error is thrown on. The read-only probes are not recorded: they are
 * the bot reading state (every poll of a drain sends one), not what it did to the host, and they would bury it.
 */
export async function execRecorded(ctx: HostContext, command: RemoteCommand): Promise<ExecResult> {
  const shown = displayCommand(command.argv);
  let exec: ExecResult;
  try {
    exec = await ctx.ssh.exec(ctx.target, command);
  } catch (err) {
    record(ctx, { command: shown, stdout: '', stderr: `not sent: ${err instanceof Error ? err.message : String(err)}`, exitCode: null });
    throw err;
  }
  record(ctx, { command: shown, stdout: exec.stdout, stderr: exec.stderr, exitCode: exec.code });
  return exec;
}

function record(ctx: HostContext, entry: TranscriptEntry): void {
  ctx.transcript?.push(entry);
}
