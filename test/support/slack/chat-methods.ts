import { SlackApiError } from './api-error';
import { resolveChannel, resolveUser } from './lookups';
import { flag, hasContent, optionalString, readContent, requiredString } from './message-content';
import type { MethodRegistry } from './method-registry';
import { isSlackTs } from './slack-ts';
import type { JsonObject, SlackMessage, StandinBehaviour } from './standin-types';
import type { WorkspaceModel } from './workspace-model';

/** A stored message in the shape Slack returns it (`message` of chat.postMessage / chat.update). */
export function toApiMessage(m: SlackMessage): JsonObject {
  const out: JsonObject = {
    type: 'message',
    text: m.text,
    user: m.user,
    bot_id: m.bot_id,
    app_id: m.app_id,
    team: m.team,
    ts: m.ts,
  };
  if (m.blocks !== undefined) out['blocks'] = m.blocks;
  if (m.attachments !== undefined) out['attachments'] = m.attachments;
  if (m.metadata !== undefined) out['metadata'] = m.metadata;
  if (m.thread_ts !== undefined) {
    out['thread_ts'] = m.thread_ts;
    out['parent_user_id'] = m.user;
  }
  if (m.edited !== undefined) out['edited'] = m.edited;
  return out;
}

/** Finds the thread a `thread_ts` names; a reply's ts names its parent's thread, like in Slack. */
function resolveThread(model: WorkspaceModel, channel: string, threadTs: string | undefined, b: StandinBehaviour) {
  if (threadTs === undefined || threadTs === '') return undefined;
  const target = model.find(channel, threadTs);
  if (target === undefined || target.deleted) {
    if (b.unknownThread === 'accept' && isSlackTs(threadTs)) return threadTs;
    throw new SlackApiError('thread_not_found', { provided: threadTs });
  }
  return target.thread_ts ?? target.ts;
}

function liveMessage(model: WorkspaceModel, args: JsonObject, b: StandinBehaviour): SlackMessage {
  const channel = resolveChannel(model, requiredString(args, 'channel', 'channel_not_found'), b.strictChannels);
  const ts = requiredString(args, 'ts', 'message_not_found');
  const message = model.find(channel.id, ts);
  if (message === undefined || message.deleted) throw new SlackApiError('message_not_found');
  return message;
}

/** chat.postMessage, chat.update, chat.postEphemeral, chat.delete. */
export function registerChatMethods(registry: MethodRegistry, model: WorkspaceModel, b: StandinBehaviour): void {
  registry.register('chat.postMessage', (args) => {
    const channel = resolveChannel(model, requiredString(args, 'channel', 'channel_not_found'), b.strictChannels);
    const content = readContent(args, b.validateBlocks);
    if (!hasContent(content)) throw new SlackApiError('no_text');
    const message = model.post({
      channel: channel.id,
      text: content.text ?? '',
      blocks: content.blocks,
      attachments: content.attachments,
      metadata: args['metadata'],
      thread_ts: resolveThread(model, channel.id, optionalString(args, 'thread_ts'), b),
      reply_broadcast: flag(args, 'reply_broadcast'),
      postedVia: 'chat.postMessage',
    });
    return { channel: channel.id, ts: message.ts, message: toApiMessage(message) };
  });

  registry.register('chat.update', (args, ctx) => {
    const message = liveMessage(model, args, b);
    if (message.user !== ctx.identity.botUserId) throw new SlackApiError('cant_update_message');
    const content = readContent(args, b.validateBlocks);
    if (!hasContent(content)) throw new SlackApiError('no_text');
    const keepBlocks = args['blocks'] === undefined && b.updateWithoutBlocks === 'retain';
    model.edit(message, {
      text: content.text ?? message.text,
      blocks: keepBlocks ? message.blocks : content.blocks,
      attachments: content.attachments ?? (args['attachments'] === undefined ? message.attachments : undefined),
    });
    return { channel: message.channel, ts: message.ts, text: message.text, message: toApiMessage(message) };
  });

  registry.register('chat.postEphemeral', (args) => {
    const channel = resolveChannel(model, requiredString(args, 'channel', 'channel_not_found'), b.strictChannels);
    const user = resolveUser(model, requiredString(args, 'user', 'user_not_found'), b.strictUsers);
    const content = readContent(args, b.validateBlocks);
    if (!hasContent(content)) throw new SlackApiError('no_text');
    const threadTs = optionalString(args, 'thread_ts');
    const eph = model.postEphemeral({
      channel: channel.id,
      user: user.id,
      text: content.text ?? '',
      blocks: content.blocks,
      attachments: content.attachments,
      thread_ts: threadTs === '' ? undefined : threadTs,
      postedVia: 'chat.postEphemeral',
    });
    return { message_ts: eph.ts };
  });

  registry.register('chat.delete', (args, ctx) => {
    const message = liveMessage(model, args, b);
    if (message.user !== ctx.identity.botUserId) throw new SlackApiError('cant_delete_message');
    message.deleted = true;
    return { channel: message.channel, ts: message.ts };
  });
}
