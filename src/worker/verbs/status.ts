import { describeSnapshot } from '../../core/describe-snapshot';
import { plural } from '../../core/text/plural';
import { plannedCommands } from './planned-commands';
import type { VerbRunner } from './verb-step';

/** `status`: the state read on the host (pid file, /proc, API), never the init.d exit code. */
export const status: VerbRunner = (ctx, before) => {
  const s = before.snapshot;
  const evidence: string[] = [];
  if (before.probe.established !== undefined) evidence.push(`${plural(before.probe.established, 'established media connection')}`);
  if (s.state === 'running' && !s.apiUp) evidence.push('API did not answer');
  for (const e of before.probe.errors) evidence.push(`install problem: ${e.replace('_', ' ')}`);
  const outcome = s.state === 'unknown' ? 'unknown' : 'ok';
  // A plan's survey: what its verb would send now, judged on this same reading.
  const planned = ctx.survey !== undefined ? { planned: plannedCommands(ctx, before, ctx.survey) } : {};
  return Promise.resolve({ outcome, summary: describeSnapshot(s), evidence, after: s, exitCode: null, output: '', ...planned });
};
