import type { TableButtonValue } from '../core/fan-out/table-actions';
import { requestHostCount } from '../ports/request-store-port';
import { escapeSlackText } from '../presentation';
import { renderFanOutTable } from '../presentation/fan-out-table';
import type { ButtonContext } from './button-context';
import type { ActionReply } from './button-io';

/**
 * Prev / Next on a fan-out's table: the message pressed is edited to the page asked for, read from the stored
 * results (anyone in the channel may page; nothing changes but the message). A request older than a week (its results
 * expired) or a press from another channel is refused, with why.
 */
export async function pressPage(ctx: ButtonContext<TableButtonValue>): Promise<ActionReply> {
  const { deps, input, value } = ctx;
  const denied = { type: 'button.denied' as const, requestId: value.id, correlationId: value.id, data: { action: input.actionId } };
  const progress = await deps.requests.get(value.id);
  if (!progress)
    return ctx.refuse(
      `The results of request ${escapeSlackText(value.id)} are no longer kept (requests expire after a week); the table cannot page. Run the command again for fresh results.`,
      'expired request',
      denied,
    );
  const { record } = progress;
  if (record.channelId !== input.channelId || input.messageTs === undefined)
    return ctx.refuse('This table belongs to another channel; nothing was done.', 'table of another channel', denied);
  const refused = await ctx.authorize({}, denied);
  if (refused) return refused;
  const view = {
    requestId: record.requestId,
    verb: record.verb,
    hostCount: requestHostCount(record),
    results: progress.results,
    page: value.page,
  };
  await deps.chat.update(
    record.channelId,
    input.messageTs,
    renderFanOutTable({ ...view, ...(record.fanOut ? { target: record.fanOut.target } : {}) }),
    {
      now: true,
    },
  );
  return {};
}
