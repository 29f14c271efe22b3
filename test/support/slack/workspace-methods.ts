import { SlackApiError } from './api-error';
import { resolveChannel, resolveUser } from './lookups';
import { requiredString } from './message-content';
import type { MethodRegistry } from './method-registry';
import type { JsonObject, StandinBehaviour } from './standin-types';
import type { WorkspaceModel } from './workspace-model';

const CREATED = 1_600_000_000;

/** auth.test, conversations.info, users.info, views.open. */
export function registerWorkspaceMethods(registry: MethodRegistry, model: WorkspaceModel, b: StandinBehaviour): void {
  registry.register('auth.test', (_args, ctx) => ({
    url: `https://${ctx.identity.teamDomain}.slack.com/`,
    team: ctx.identity.teamName,
    user: ctx.identity.botName,
    team_id: ctx.identity.teamId,
    user_id: ctx.identity.botUserId,
    bot_id: ctx.identity.botId,
    app_id: ctx.identity.appId,
    is_enterprise_install: false,
  }));

  registry.register('conversations.info', (args) => {
    const c = resolveChannel(model, requiredString(args, 'channel', 'channel_not_found'), b.strictChannels);
    const channel: JsonObject = {
      id: c.id,
      name: c.name,
      is_channel: !c.is_im && !c.is_private,
      is_group: c.is_private && !c.is_im,
      is_im: c.is_im,
      is_private: c.is_private,
      is_archived: c.is_archived,
      is_member: true,
      created: CREATED,
      context_team_id: model.identity.teamId,
    };
    return { channel };
  });

  registry.register('users.info', (args) => {
    const u = resolveUser(model, requiredString(args, 'user', 'user_not_found'), b.strictUsers);
    const user: JsonObject = {
      id: u.id,
      team_id: model.identity.teamId,
      name: u.name,
      real_name: u.real_name,
      deleted: u.deleted,
      is_bot: u.is_bot,
      is_admin: u.is_admin,
      tz: u.tz,
      profile: { real_name: u.real_name, display_name: u.name },
    };
    return { user };
  });

  registry.register('views.open', (args) => {
    const triggerId = requiredString(args, 'trigger_id', 'invalid_arguments');
    const view = args['view'];
    if (typeof view !== 'object' || view === null || Array.isArray(view)) throw new SlackApiError('invalid_arguments');
    const id = `V${String(model.views.length + 1).padStart(8, '0')}`;
    model.views.push({ id, trigger_id: triggerId, view, time: Date.now() });
    return {
      view: {
        ...(view as JsonObject),
        id,
        team_id: model.identity.teamId,
        app_id: model.identity.appId,
        bot_id: model.identity.botId,
        root_view_id: id,
        state: { values: {} },
        hash: `${Date.now()}.hash`,
      },
    };
  });
}
