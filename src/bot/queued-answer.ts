import type { ChatMessage } from '../core/command';
import { plural } from '../core/text/plural';
import type { JobVerb } from '../core/verbs';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import type { CommandReply } from './command-io';
import { postParent } from './post-parent';

/** What a request accepted at once is answered with. */
export interface QueuedRequest {
  requestId: string;
  verb: JobVerb;
  hostCount: number;
  /** Whether the audit log took its records. */
  recorded: boolean;
  record: RequestRecord;
  /** Where its jobs wait (`edge-1 is busy: …`), one line each. */
  waits: readonly string[];
  /** Its parent message, posted in the channel after the answer. */
  parent: ChatMessage;
}

/** "Queued `status` on 12 hosts (request r-…)": the ephemeral answer, then the parent message in the channel. */
export function queuedAnswer(deps: BotDeps, q: QueuedRequest): CommandReply {
  const degraded = q.recorded ? '' : ':warning: Audit degraded: this request could not be recorded.';
  const queued = `Queued \`${q.verb}\` on ${plural(q.hostCount, 'host')} (request ${q.requestId}). Results will appear in the thread.`;
  return {
    requestId: q.requestId,
    ephemeral: { text: [degraded, queued, ...q.waits].filter((l) => l !== '').join('\n') },
    followUp: () => postParent(deps, q.record, q.parent),
  };
}
