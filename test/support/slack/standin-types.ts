/**
 * Public types of the Slack Web API stand-in. Message-shaped records use Slack's own field names
 * (`ts`, `thread_ts`, `bot_id`, ...) so they compare directly with what Slack payloads look like;
 * fields that exist only in the stand-in (`edits`, `deleted`, `postedVia`) are camelCase.
 */

/** A JSON object as received on the wire; narrow fields before use. */
export type JsonObject = { [key: string]: unknown };

/** How a call was answered. */
export type CallOutcome =
  | 'ok' // 200 {ok:true}
  | 'error' // 200 {ok:false,error} (platform error: bad args, auth, injected {ok:false})
  | 'rate_limited' // 429 with Retry-After
  | 'http_error' // injected 5xx
  | 'down'; // answered 503 / connection reset because setDown(true)

/** One HTTP call to `/api/<method>`, accepted or not. */
export interface RecordedCall {
  /** 1-based, in arrival order. */
  seq: number;
  method: string;
  /** Parsed arguments; `blocks`, `attachments`, `view`, `metadata` are parsed from their JSON strings. */
  args: JsonObject;
  /** Token from `Authorization: Bearer` (or the `token` form field). */
  token: string | undefined;
  contentType: string;
  rawBody: string;
  /** `Date.now()` at arrival. */
  time: number;
  outcome: CallOutcome;
  /** HTTP status answered (0 for a reset connection). */
  status: number;
  /** The `error` of an `{ok:false}` answer. */
  error?: string;
}

/** A previous version of a message, kept when `chat.update` or a response_url replaces it. */
export interface MessageEdit {
  /** `Date.now()` when the version was replaced. */
  at: number;
  text: string;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
}

/** A message as a channel member would see it (plus the stand-in's history of it). */
export interface SlackMessage {
  type: 'message';
  channel: string;
  ts: string;
  /** Parent ts for a thread reply; undefined for a top-level message. */
  thread_ts: string | undefined;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  text: string;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  metadata: unknown;
  /** A thread reply also shown in the channel. */
  reply_broadcast: boolean;
  /** Set after the first edit: who edited and the edit's ts. */
  edited: { user: string; ts: string } | undefined;
  /** Earlier versions, oldest first. */
  edits: MessageEdit[];
  deleted: boolean;
  postedVia: 'chat.postMessage' | 'response_url';
}

/** An ephemeral message: visible to one user only, never updatable through chat.update. */
export interface EphemeralMessage {
  channel: string;
  user: string;
  /** The `message_ts` returned by chat.postEphemeral. */
  ts: string;
  thread_ts: string | undefined;
  text: string;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  edits: MessageEdit[];
  deleted: boolean;
  postedVia: 'chat.postEphemeral' | 'response_url';
}

/** Where a response_url belongs: lets posts to it land in the model. */
export interface ResponseUrlContext {
  channel: string;
  /** The user who ran the command / clicked: receives ephemeral responses. */
  user: string;
  /** For block_actions: the message holding the button (target of replace_original / delete_original). */
  messageTs?: string;
  /** The message holding the button is an ephemeral one. */
  messageIsEphemeral?: boolean;
}

/** One POST to a response_url. */
export interface ResponseUrlPost {
  id: string;
  body: unknown;
  time: number;
  /** HTTP status answered. */
  status: number;
  /** What the post did to the model: 'ephemeral', 'in_channel', 'replaced', 'deleted', 'recorded' (no context), 'refused'. */
  effect: 'ephemeral' | 'in_channel' | 'replaced' | 'deleted' | 'recorded' | 'refused';
}

/** A view opened with views.open. */
export interface OpenedView {
  id: string;
  trigger_id: string;
  view: unknown;
  time: number;
}

export interface SlackChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_im: boolean;
  is_archived: boolean;
}

export interface SlackUser {
  id: string;
  name: string;
  real_name: string;
  is_bot: boolean;
  is_admin: boolean;
  deleted: boolean;
  tz: string;
}

/** Fault to inject on the next call(s) to a method. */
export type Fault =
  | { status: 429; retryAfterSec?: number }
  /** `afterCommit`: the method runs (message posted) but the client sees the HTTP error: a lost response. */
  | { status: 500 | 502 | 503 | 504; afterCommit?: boolean; body?: string }
  | { ok: false; error: string }
  /** Answer normally, but only after a delay (client timeouts). */
  | { delayMs: number };

/**
 * How `setDown(true, mode)` fails calls:
 * - 'refuse': the listener is closed: new connections get ECONNREFUSED (not counted: they never arrive);
 * - 'reset': connections are accepted and destroyed at once (socket hang up / ECONNRESET);
 * - '503': HTTP 503 with a text body.
 */
export type DownMode = 'refuse' | 'reset' | '503';

/** Counters of calls the stand-in refused. */
export interface RejectionCounters {
  total: number;
  rateLimited: number;
  httpError: number;
  /** Injected `{ok:false}` faults only (not ordinary argument/auth errors). */
  injectedError: number;
  down: number;
  byMethod: Record<string, number>;
}

/** The identity the stand-in answers with (auth.test, message authorship). */
export interface StandinIdentity {
  teamId: string;
  teamName: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  botName: string;
}

/** What a Web API method handler gets besides its arguments. */
export interface MethodContext {
  method: string;
  token: string;
  identity: StandinIdentity;
}

/** Which token a method accepts: bot tokens (xoxb) or app-level tokens (xapp). */
export type TokenKind = 'bot' | 'app';

/** A Web API method implementation: returns the fields added to `{ok:true}`, or throws `SlackApiError`. */
export type MethodHandler = (args: JsonObject, ctx: MethodContext) => JsonObject;

/** Knobs for how strictly the stand-in imitates Slack. */
export interface StandinBehaviour {
  /** Unknown channel ids are `channel_not_found` (default false: any C/G/D id is created on first use). */
  strictChannels: boolean;
  /** Unknown user ids are `user_not_found` (default false: any U/W id is a plain user). */
  strictUsers: boolean;
  /** Check Block Kit limits and answer `invalid_blocks` like Slack (default true). */
  validateBlocks: boolean;
  /**
   * chat.update without `blocks`: 'retain' keeps the old blocks (Slack's documented behaviour: "If you don't
   * include this field, the message's previous blocks will be retained"), 'drop' clears them. Default 'retain'.
   */
  updateWithoutBlocks: 'retain' | 'drop';
  /** `thread_ts` naming no message in the channel: 'error' answers `thread_not_found` (default), 'accept' posts anyway. */
  unknownThread: 'error' | 'accept';
  /** Posts accepted per response_url (Slack: 5 in 30 minutes); later posts get HTTP 404 `used_url`. */
  responseUrlMaxPosts: number;
}
