import type { JobEvent } from '../ports/job-queue-port';
import { requestHostCount, type RequestHead } from '../ports/request-store-port';
import { escapeSlackText } from '../presentation';
import { plural } from '../core/text/plural';
import type { BotDeps } from './bot-deps';
import { claimOnce } from './claim-once';
import { closeRequest } from './close-request';
import { endFanOutEarly } from './deliver-fan-out';

/**
 * A fan-out whose expansion stopped short (`fanout.failed`: its snapshot gone, its target no longer resolving, or a
 * cancel): the thread says how many hosts were queued and why the others were not; the request then ends with the
 * results of the hosts queued (once they are in: endFanOutEarly), or at once when none was. Once, whatever the
 * deliveries.
 */
export async function deliverFanOutFailed(
  deps: BotDeps,
  progress: RequestHead,
  parentTs: string,
  event: Extract<JobEvent, { type: 'fanout.failed' }>,
): Promise<void> {
  const { record } = progress;
  const total = requestHostCount(record);
  const reason = escapeSlackText(event.reason.slice(0, 300));
  await claimOnce(deps, record.requestId, 'fanout-failed', async () => {
    const text =
      event.expanded === 0
        ? `:no_entry_sign: No host was queued: ${reason}. Nothing ran.`
        : `:warning: Only ${event.expanded} of ${plural(total, 'host')} were queued: ${reason}. The other ${total - event.expanded} did not run; the results below are the queued hosts'.`;
    await deps.chat.post(record.channelId, { text }, parentTs);
  });
  if (event.expanded === 0) {
    await closeRequest(deps, record, parentTs, `not run: ${reason}`, { reason: event.reason, hosts: total, expanded: 0 });
    return;
  }
  await endFanOutEarly(deps, record, parentTs, { expected: event.expanded, note: `${total - event.expanded} not run: ${reason}` });
}
