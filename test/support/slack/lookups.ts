import { SlackApiError } from './api-error';
import type { WorkspaceModel } from './workspace-model';
import type { SlackChannel, SlackUser } from './standin-types';

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * Resolves a `channel` argument like Slack: a conversation id, `#name` / `name`, or a user id (posts to the
 * bot's DM with that user, id `D` + the user id's tail). Unknown ids are created unless `strict`.
 */
export function resolveChannel(model: WorkspaceModel, ref: string, strict: boolean): SlackChannel {
  const known = model.channel(ref);
  if (known !== undefined) return known;
  if (USER_ID.test(ref)) {
    const dmId = `D${ref.slice(1)}`;
    return model.channel(dmId) ?? model.addChannel({ id: dmId, name: ref, is_im: true, is_private: true });
  }
  if (CHANNEL_ID.test(ref)) {
    if (strict) throw new SlackApiError('channel_not_found');
    return model.addChannel({ id: ref });
  }
  const byName = model.channelByName(ref.replace(/^#/, ''));
  if (byName !== undefined) return byName;
  throw new SlackApiError('channel_not_found');
}

/** Resolves a user id; unknown well-formed ids become plain users unless `strict`. */
export function resolveUser(model: WorkspaceModel, id: string, strict: boolean): SlackUser {
  const known = model.user(id);
  if (known !== undefined) return known;
  if (!strict && USER_ID.test(id)) return model.addUser({ id });
  throw new SlackApiError('user_not_found');
}
