import { renderGroupWait, renderGroupWaitMany, slackToPlainText } from '../presentation';
import type { JobEvent } from '../ports/job-queue-port';
import type { RequestProgress } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import { claimOnce } from './claim-once';
import { showStatus } from './rollout/status-message';

type WaitingEvent = Extract<JobEvent, { type: 'job.waiting' }>;

/** Requests on more hosts than this say once per group that their hosts wait, rather than once per host. */
const WAIT_REPLY_PER_HOST_MAX = 5;

/**
 * A job waits for a slot of its group's limit of hosts changing at once. The thread says so once per job and group
 * (claimed once, whatever the duplicate deliveries and bot replicas), with its place in line and the hosts changing
 * now; a request on many hosts says it once per group. In a rollout the wait shows on the host's line of the status
 * message instead (while the host is still queued). When the job finally runs, its normal result follows.
 */
export async function deliverWaiting(deps: BotDeps, progress: RequestProgress, parentTs: string, event: WaitingEvent): Promise<void> {
  const { record } = progress;
  const view = { host: event.host, group: event.group, limit: event.limit, position: event.position, holding: event.holding };
  if (record.kind === 'rollout') {
    const rollout = await deps.rollouts.get(record.requestId);
    if (rollout?.hosts[event.host]?.stage !== 'queued') return; // it moved on (a late or repeated delivery)
    const detail = slackToPlainText(renderGroupWait(view).text)
      .replace(/^:hourglass: \S+ /, '')
      .replace(/`/g, '') // the status message is plain text
      .slice(0, 300);
    await deps.rollouts.setHost(record.requestId, event.host, { stage: 'queued', detail, at: event.at });
    await showStatus(deps, record.requestId, parentTs, false);
    return;
  }
  if (record.hosts.length > WAIT_REPLY_PER_HOST_MAX) {
    await claimOnce(deps, record.requestId, `waiting:${event.group}`, () =>
      deps.chat.post(record.channelId, renderGroupWaitMany(view), parentTs),
    );
    return;
  }
  await claimOnce(deps, record.requestId, `waiting:${event.jobId}:${event.group}`, () =>
    deps.chat.post(record.channelId, renderGroupWait(view), parentTs),
  );
}
