import { renderFailoverLine } from '../presentation/failover-line';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import { claimOnce } from './claim-once';

/**
 * When Redis failed over while a request ran (from its acceptance to now), its thread says so, once whatever the
 * duplicate deliveries and replicas. A lookup that fails is logged: the summary is not held back for it.
 */
export async function noteFailovers(
  deps: Pick<BotDeps, 'failovers' | 'requests' | 'chat' | 'now' | 'logger'>,
  record: RequestRecord,
  parentTs: string,
  complete: boolean,
): Promise<void> {
  if (deps.failovers === undefined) return;
  const failovers = await deps.failovers.failoversBetween(record.createdAt, deps.now()).catch((err: unknown) => {
    deps.logger.warn({ requestId: record.requestId, err: err instanceof Error ? err.message : String(err) }, 'failovers not read');
    return [];
  });
  if (failovers.length === 0) return;
  await claimOnce(deps, record.requestId, 'failovers', () =>
    deps.chat.post(record.channelId, { text: renderFailoverLine(failovers, complete) }, parentTs),
  );
}
