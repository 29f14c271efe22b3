import type { RolloutRecord } from '../../core/rollout/rollout-record';
import { escapeKeepingUserMentions, escapeSlackText } from '../../core/text/escape-slack-text';
import { plural } from '../../core/text/plural';
import { drainText, drainTotalsText, renderRequestParent, rolloutWhat, summarizeResults } from '../../presentation';
import { drainTotals } from '../../core/rollout/drain-totals';
import type { BotDeps } from '../bot-deps';
import { claimOnce } from '../claim-once';
import { markRequestDone } from '../close-request';
import { recordAudit } from '../record-audit';
import { auditBase, showStatus } from './status-message';

/** The hosts a rollout never started on (pending or queued when it ended). */
export function untouchedOf(r: RolloutRecord): string[] {
  return r.plan.hosts.filter((h) => ['pending', 'queued'].includes(r.hosts[h.name]?.stage ?? 'pending')).map((h) => h.name);
}

/** Ends the rollout: state, final status message, a reply saying what every host is now, the request's summary. */
export async function finishRollout(
  deps: BotDeps,
  id: string,
  parentTs: string,
  to: 'done' | 'halted' | 'aborted',
  reason: string | undefined,
): Promise<void> {
  // Idempotent: the state moves once (and is audited then); the messages are claimed, so a retried delivery
  // (chat down) posts what is missing and never twice.
  const moved = await deps.rollouts.transition(id, ['running', 'aborting'], to, {
    endedAt: deps.now(),
    ...(reason !== undefined ? { reason } : {}),
  });
  const r = await deps.rollouts.get(id);
  const req = await deps.requests.get(id);
  if (!r || !req || r.state !== to) return;
  const { plan } = r;
  const why = r.reason ?? reason ?? '';
  if (moved) await recordEnd(deps, r, to, why);
  const text = finalReport(r, to, why);
  await claimOnce(deps, id, 'rollout-final', () => deps.chat.post(plan.channelId, { text }, parentTs));
  await showStatus(deps, id, parentTs, true);
  const summary = summarizeResults(req.results, plan.hosts.length);
  const ended = to === 'done' ? summary.text : `${to}: ${summary.text}`;
  await deps.chat.update(
    plan.channelId,
    parentTs,
    renderRequestParent({
      requestId: id,
      userId: plan.requestedBy,
      verb: plan.verb,
      hosts: plan.hosts.map((h) => h.name),
      state: 'done',
      summary: to === 'done' ? summary : ended,
      elapsedMs: deps.now() - r.startedAt,
    }),
  );
  await markRequestDone(deps, req.record, parentTs, { summary: ended, hosts: plan.hosts.length });
}

/** The rollout's end on the audit log: how it ended, why, each host's stage, version and drain, the drain totals. */
async function recordEnd(deps: BotDeps, r: RolloutRecord, to: 'done' | 'halted' | 'aborted', why: string): Promise<void> {
  const { plan } = r;
  await recordAudit(deps, {
    ...auditBase(plan),
    type: to === 'done' ? 'rollout.done' : to === 'halted' ? 'rollout.halted' : 'rollout.aborted',
    data: {
      reason: why || null,
      drain: drainTotals(r),
      hosts: Object.fromEntries(
        plan.hosts.map((h) => {
          const s = r.hosts[h.name];
          return [
            h.name,
            { stage: s?.stage ?? 'pending', version: s?.version ?? h.from ?? null, ...(s?.drain !== undefined ? { drain: s.drain } : {}) },
          ];
        }),
      ),
    },
  });
}

/** The rollout's last reply: how it ended, then what every host is now (untouched, done, failed), and the drain. */
function finalReport(r: RolloutRecord, to: 'done' | 'halted' | 'aborted', why: string): string {
  const { plan } = r;
  const upgrade = plan.verb === 'upgrade';
  const states = plan.hosts.map((h) => {
    const s = r.hosts[h.name];
    const stage = s?.stage ?? 'pending';
    const runs = upgrade ? `, runs ${escapeSlackText(s?.version ?? h.from ?? '?')}` : '';
    const drain = s?.drain !== undefined ? ` · ${drainText(s.drain)}` : '';
    return `\`${escapeSlackText(h.name)}\` ${stage === 'pending' || stage === 'queued' ? 'untouched' : stage}${runs}${drain}`;
  });
  const failed = plan.hosts.filter((h) => r.hosts[h.name]?.stage === 'failed').map((h) => h.name);
  const version = escapeSlackText(plan.version ?? '?');
  const did = upgrade ? `every host runs ${version}` : `${rolloutWhat(plan)} done on every host`;
  const others = upgrade ? `the others run ${version}` : 'the others are done';
  let head: string;
  if (to === 'done')
    head =
      failed.length === 0
        ? `:white_check_mark: Rollout done: ${did}`
        : `:warning: Rollout done with ${plural(failed.length, 'failed host')} within the budget of ${plan.failureBudget} (${failed.join(', ')}): ${others}`;
  else if (to === 'halted') head = `:octagonal_sign: Rollout HALTED: ${escapeKeepingUserMentions(why)}`;
  else head = `:no_entry_sign: Rollout aborted: ${escapeKeepingUserMentions(why)}`;
  const drain = drainTotalsText(drainTotals(r));
  return `${head}\n${states.join('\n')}${drain !== undefined ? `\n${drain}` : ''}`;
}
