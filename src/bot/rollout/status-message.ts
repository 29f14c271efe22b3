import type { Plan } from '../../core/rollout/plan';
import { renderRolloutStatus } from '../../presentation';
import type { BotDeps } from '../bot-deps';
import { claimOnce } from '../claim-once';

/** Who and which request a rollout's own audit records name: the system, in the plan's channel. */
export function auditBase(plan: Plan) {
  return { actor: 'system', channel: plan.channelId, requestId: plan.id, correlationId: plan.id, verb: plan.verb };
}

/** An error's message, for a log line. */
export function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Edits the rollout's status message (or posts it the first time). Edits are coalesced by the chat. */
export async function showStatus(deps: BotDeps, id: string, parentTs: string, wait: boolean): Promise<void> {
  const r = await deps.rollouts.get(id);
  if (!r) return;
  const message = renderRolloutStatus(r, deps.now());
  if (r.statusTs === undefined) {
    // A failed post gives the claim back: the next event or sweep posts it.
    await claimOnce(deps, id, 'rollout-status', async () => {
      const posted = await deps.chat.post(r.plan.channelId, message, parentTs);
      await deps.rollouts.setStatusTs(id, posted.ts);
    });
    return;
  }
  const edit = deps.chat.update(r.plan.channelId, r.statusTs, message);
  if (wait) await edit;
  else
    edit.catch((err: unknown) =>
      deps.logger.warn({ requestId: id, err: errText(err) }, 'rollout status edit failed; the next event retries'),
    );
}
