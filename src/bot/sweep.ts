import type { BotDeps } from './bot-deps';
import { advanceRollout } from './rollout/advance-rollout';
import { expireDueApprovals } from './close-approval';
import { startApproved } from './start-approved';
import { sweepFanOuts } from './sweep-fan-outs';

/** An approved plan is restarted by the sweeper only when its start has not been confirmed for this long. */
const START_GRACE_MS = 10_000;

/**
 * What the bot does on a timer (every replica; each step is idempotent): expire approvals nobody answered, start
 * approved plans whose start was cut short (a crash, Redis or Slack down right after the last approval), move on
 * rollouts whose next step was cut short, and queue again a fan-out whose request-level job was lost. Nothing here waits for an event that might never come.
 */
export async function sweep(deps: BotDeps): Promise<void> {
  const log = (what: string, id: string) => (err: unknown) =>
    deps.logger.warn({ requestId: id, err: err instanceof Error ? err.message : String(err) }, `${what}; retried at the next sweep`);
  await expireDueApprovals(deps);
  for (const id of await deps.approvals.unstarted(deps.now() - START_GRACE_MS)) {
    const rec = await deps.approvals.get(id);
    if (rec?.state !== 'approved') {
      await deps.approvals.markStarted(id);
      continue;
    }
    deps.logger.info({ requestId: id }, 'starting an approved plan whose start was not confirmed');
    await startApproved(deps, rec.plan, rec.approvedBy).catch(log('approved plan not started', id));
  }
  for (const id of await deps.rollouts.active()) {
    const req = await deps.requests.head(id);
    if (req?.parentTs !== undefined) await advanceRollout(deps, id, req.parentTs, false).catch(log('rollout not advanced', id));
  }
  await sweepFanOuts(deps).catch(log('fan-outs not checked', 'fan-outs'));
}
