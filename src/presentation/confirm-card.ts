import type { ChatMessage } from '../core/command';
import { APPROVAL_ACTIONS } from '../core/rollout/approval-actions';
import { blastRadius } from '../core/rollout/blast-radius';
import type { Plan } from '../core/rollout/plan';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { capText, context, section } from './blocks';
import { blastRadiusLines } from './blast-radius';
import { formatElapsed } from './format-elapsed';
import { button, planText, sections } from './plan-card';

/**
 * The blast-radius check: the plan and what it touches now, with Confirm / Cancel for the requester only. It expires
 * like an approval (nothing runs then).
 */
export function renderConfirmCard(plan: Plan, now: number): ChatMessage {
  const text = [...planText(plan), ...blastRadiusLines(blastRadius(plan))];
  const why = `:raised_hand: This is a wide change: ${escapeSlackText(plan.confirmReason ?? 'over the confirm policy')}. Only <@${plan.requestedBy}> can confirm it; it expires in ${formatElapsed(plan.expiresAt - now)} and nothing runs before.`;
  const value = { id: plan.id, hash: plan.hash };
  return {
    text: `${capText(text.join('\n'), 2500)}\n${why}`,
    blocks: [
      ...sections(text),
      section(why),
      context(
        `plan \`${plan.hash.slice(0, 12)}\` · request \`${plan.id}\` · \`/srs ${escapeSlackText(plan.verb)} … --dry-run\` shows the commands`,
      ),
      {
        type: 'actions',
        elements: [
          button('Confirm', APPROVAL_ACTIONS.confirm, value, 'primary'),
          button('Cancel', APPROVAL_ACTIONS.cancel, value, 'danger'),
        ],
      },
    ],
  };
}
