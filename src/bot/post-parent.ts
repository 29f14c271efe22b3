import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatMessage } from '../core/command';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';

const ATTEMPTS = 5;

/** Posts the request's parent message and records its ts, retrying a chat that is briefly unreachable. */
export async function postParent(deps: BotDeps, record: RequestRecord, message: ChatMessage): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const posted = await deps.chat.post(record.channelId, message);
      await deps.requests.setParent(record.requestId, posted.ts);
      return;
    } catch (err) {
      deps.logger.warn(
        { requestId: record.requestId, attempt, err: err instanceof Error ? err.message : String(err) },
        'parent message not posted',
      );
      if (attempt >= ATTEMPTS) throw err;
      await sleep(250 * 2 ** attempt);
    }
  }
}
