import { SlackTsClock } from './slack-ts';
import type {
  EphemeralMessage,
  OpenedView,
  ResponseUrlPost,
  SlackChannel,
  SlackMessage,
  SlackUser,
  StandinIdentity,
} from './standin-types';

/** Content of a message (what chat.postMessage / chat.update / a response_url carry). */
export interface MessageContent {
  text: string;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
}

/** A channel or user to create: the id, and any fields that differ from the defaults. */
export type ChannelSeed = Partial<SlackChannel> & { id: string };
export type UserSeed = Partial<SlackUser> & { id: string };

export interface NewMessage extends MessageContent {
  channel: string;
  thread_ts: string | undefined;
  metadata: unknown;
  reply_broadcast: boolean;
  postedVia: SlackMessage['postedVia'];
}

export interface NewEphemeral extends MessageContent {
  channel: string;
  user: string;
  thread_ts: string | undefined;
  postedVia: EphemeralMessage['postedVia'];
}

/**
 * What the workspace looks like to its users: channels holding messages (top-level and thread replies,
 * in post order), edits applied in place with their history, ephemerals per user, opened views and
 * response_url posts. Pure data: argument checking and Slack errors live in the method handlers.
 */
export class WorkspaceModel {
  readonly clock: SlackTsClock;
  private readonly channelsById = new Map<string, SlackChannel>();
  private readonly usersById = new Map<string, SlackUser>();
  private readonly messagesByChannel = new Map<string, SlackMessage[]>();
  private ephemeralList: EphemeralMessage[] = [];
  readonly views: OpenedView[] = [];
  readonly responses: ResponseUrlPost[] = [];
  private readonly seedChannels: ChannelSeed[];
  private readonly seedUsers: UserSeed[];

  constructor(
    readonly identity: StandinIdentity,
    seeds: { channels?: ChannelSeed[]; users?: UserSeed[]; tsBaseSeconds?: number } = {},
  ) {
    this.clock = new SlackTsClock(seeds.tsBaseSeconds);
    this.seedChannels = seeds.channels ?? [];
    this.seedUsers = seeds.users ?? [];
    this.reset();
  }

  /** Clears messages, ephemerals, views and responses; restores seeded channels and users. The ts clock keeps going. */
  reset(): void {
    this.channelsById.clear();
    this.usersById.clear();
    this.messagesByChannel.clear();
    this.ephemeralList = [];
    this.views.length = 0;
    this.responses.length = 0;
    for (const c of this.seedChannels) this.addChannel(c);
    for (const u of this.seedUsers) this.addUser(u);
    this.addUser({ id: this.identity.botUserId, name: this.identity.botName, is_bot: true });
  }

  addChannel(channel: ChannelSeed): SlackChannel {
    const full: SlackChannel = {
      name: channel.id.toLowerCase(),
      is_private: channel.id.startsWith('G'),
      is_im: channel.id.startsWith('D'),
      is_archived: false,
      ...channel,
    };
    this.channelsById.set(full.id, full);
    return full;
  }

  addUser(user: UserSeed): SlackUser {
    const name = user.name ?? user.id.toLowerCase();
    const full: SlackUser = {
      name,
      real_name: name,
      is_bot: false,
      is_admin: false,
      deleted: false,
      tz: 'UTC',
      ...user,
    };
    this.usersById.set(full.id, full);
    return full;
  }

  channel(id: string): SlackChannel | undefined {
    return this.channelsById.get(id);
  }

  channelByName(name: string): SlackChannel | undefined {
    return [...this.channelsById.values()].find((c) => c.name === name);
  }

  channelIds(): string[] {
    return [...new Set([...this.channelsById.keys(), ...this.messagesByChannel.keys()])];
  }

  user(id: string): SlackUser | undefined {
    return this.usersById.get(id);
  }

  /** Every message of a channel, replies and deleted ones included, in post order. */
  allMessages(channel: string): SlackMessage[] {
    return this.messagesByChannel.get(channel) ?? [];
  }

  find(channel: string, ts: string): SlackMessage | undefined {
    return this.allMessages(channel).find((m) => m.ts === ts);
  }

  /** Top-level messages and broadcast replies, as the channel shows them (deleted ones hidden). */
  channelView(channel: string): SlackMessage[] {
    return this.allMessages(channel).filter((m) => !m.deleted && (m.thread_ts === undefined || m.reply_broadcast));
  }

  /** Replies of a thread in order (parent excluded, deleted ones hidden). */
  replies(channel: string, parentTs: string): SlackMessage[] {
    return this.allMessages(channel).filter((m) => !m.deleted && m.thread_ts === parentTs);
  }

  ephemerals(user?: string): EphemeralMessage[] {
    return this.ephemeralList.filter((e) => !e.deleted && (user === undefined || e.user === user));
  }

  findEphemeral(channel: string, ts: string): EphemeralMessage | undefined {
    return this.ephemeralList.find((e) => e.channel === channel && e.ts === ts);
  }

  post(input: NewMessage): SlackMessage {
    const message: SlackMessage = {
      type: 'message',
      channel: input.channel,
      ts: this.clock.next(),
      thread_ts: input.thread_ts,
      user: this.identity.botUserId,
      bot_id: this.identity.botId,
      app_id: this.identity.appId,
      team: this.identity.teamId,
      text: input.text,
      blocks: input.blocks,
      attachments: input.attachments,
      metadata: input.metadata,
      reply_broadcast: input.reply_broadcast,
      edited: undefined,
      edits: [],
      deleted: false,
      postedVia: input.postedVia,
    };
    const list = this.messagesByChannel.get(input.channel) ?? [];
    list.push(message);
    this.messagesByChannel.set(input.channel, list);
    return message;
  }

  /** Replaces the content in place, keeping the previous version in `edits`. */
  edit(target: SlackMessage | EphemeralMessage, content: MessageContent): void {
    target.edits.push({ at: Date.now(), text: target.text, blocks: target.blocks, attachments: target.attachments });
    target.text = content.text;
    target.blocks = content.blocks;
    target.attachments = content.attachments;
    if ('edited' in target) target.edited = { user: this.identity.botUserId, ts: this.clock.next() };
  }

  postEphemeral(input: NewEphemeral): EphemeralMessage {
    const eph: EphemeralMessage = {
      channel: input.channel,
      user: input.user,
      ts: this.clock.next(),
      thread_ts: input.thread_ts,
      text: input.text,
      blocks: input.blocks,
      attachments: input.attachments,
      edits: [],
      deleted: false,
      postedVia: input.postedVia,
    };
    this.ephemeralList.push(eph);
    return eph;
  }
}
