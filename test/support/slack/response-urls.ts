import { SlackApiError } from './api-error';
import { flag, hasContent, optionalString, readContent } from './message-content';
import type { JsonObject, ResponseUrlContext, ResponseUrlPost, StandinBehaviour } from './standin-types';
import type { WorkspaceModel } from './workspace-model';

export const RESPONSE_PATH = '/response/';

export interface ResponseAnswer {
  status: number;
  body: JsonObject;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * response_url endpoints (`POST /response/<id>`, JSON body). Every post is recorded; when the URL was minted
 * with a context (channel, user, message) the post also lands in the model: ephemeral to the user (default),
 * `response_type: 'in_channel'`, `replace_original` or `delete_original` (both need `messageTs`).
 */
export class ResponseUrls {
  private readonly contexts = new Map<string, ResponseUrlContext>();

  constructor(
    private readonly model: WorkspaceModel,
    private readonly behaviour: StandinBehaviour,
  ) {}

  register(id: string, context: ResponseUrlContext | undefined): void {
    if (context !== undefined) this.contexts.set(id, context);
  }

  reset(): void {
    this.contexts.clear();
  }

  post(id: string, body: unknown): ResponseAnswer {
    const record = (status: number, effect: ResponseUrlPost['effect']): void => {
      this.model.responses.push({ id, body, time: Date.now(), status, effect });
    };
    const used = this.model.responses.filter((r) => r.id === id && r.effect !== 'refused').length;
    if (used >= this.behaviour.responseUrlMaxPosts) {
      record(404, 'refused');
      return { status: 404, body: { ok: false, error: 'used_url' } };
    }
    try {
      if (!isJsonObject(body)) throw new SlackApiError('invalid_payload');
      const effect = this.apply(id, body);
      record(200, effect);
      return { status: 200, body: { ok: true } };
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      record(400, 'refused');
      return { status: 400, body: err.toBody() };
    }
  }

  private apply(id: string, body: JsonObject): ResponseUrlPost['effect'] {
    const ctx = this.contexts.get(id);
    const target = ctx?.messageTs === undefined ? undefined : this.findOriginal(ctx, ctx.messageTs);
    if (flag(body, 'delete_original')) {
      if (target === undefined) return 'recorded';
      target.deleted = true;
      return 'deleted';
    }
    const content = readContent(body, this.behaviour.validateBlocks);
    if (!hasContent(content)) throw new SlackApiError('no_text');
    const full = { text: content.text ?? '', blocks: content.blocks, attachments: content.attachments };
    if (ctx === undefined) return 'recorded';
    if (flag(body, 'replace_original')) {
      if (target === undefined) return 'recorded';
      this.model.edit(target, full);
      return 'replaced';
    }
    const threadTs = optionalString(body, 'thread_ts');
    if (body['response_type'] === 'in_channel') {
      this.model.post({
        ...full,
        channel: ctx.channel,
        thread_ts: threadTs,
        metadata: undefined,
        reply_broadcast: false,
        postedVia: 'response_url',
      });
      return 'in_channel';
    }
    this.model.postEphemeral({ ...full, channel: ctx.channel, user: ctx.user, thread_ts: threadTs, postedVia: 'response_url' });
    return 'ephemeral';
  }

  private findOriginal(ctx: ResponseUrlContext, ts: string) {
    const found = ctx.messageIsEphemeral === true ? this.model.findEphemeral(ctx.channel, ts) : this.model.find(ctx.channel, ts);
    return found === undefined || found.deleted ? undefined : found;
  }
}
