import { createHmac } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';

/**
 * Requests as Slack sends them to a Bolt HTTP receiver: real HMAC signatures, slash-command and
 * block_actions bodies, and a raw node:http POST that can forge every part (secret, timestamp, headers).
 */

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** Current Unix time in seconds (what `x-slack-request-timestamp` carries). */
export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** `v0=` + hex HMAC-SHA256(secret, `v0:<ts>:<body>`). */
export function signBody(secret: string, body: string, ts: number | string): string {
  return `v0=${createHmac('sha256', secret)
    .update(`v0:${String(ts)}:${body}`)
    .digest('hex')}`;
}

export interface SlashCommandFields {
  command?: string;
  text: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  channel_name?: string;
  team_id?: string;
  team_domain?: string;
  trigger_id?: string;
  response_url: string;
  api_app_id?: string;
  /** Deprecated verification token; Slack still sends one, Bolt ignores it. */
  token?: string;
}

/** The fields of a slash command in Slack's order, defaults filled in (Socket Mode sends them as this JSON object). */
export function slashCommandPayload(fields: SlashCommandFields): Record<string, string> {
  return {
    token: fields.token ?? 'standin-verification-token',
    team_id: fields.team_id ?? 'T0STANDIN',
    team_domain: fields.team_domain ?? 'standin',
    channel_id: fields.channel_id,
    channel_name: fields.channel_name ?? fields.channel_id.toLowerCase(),
    user_id: fields.user_id,
    user_name: fields.user_name ?? fields.user_id.toLowerCase(),
    command: fields.command ?? '/srs',
    text: fields.text,
    api_app_id: fields.api_app_id ?? 'A0APPID',
    is_enterprise_install: 'false',
    response_url: fields.response_url,
    trigger_id: fields.trigger_id ?? `${nowSec()}.1234567890.standin${Math.random().toString(16).slice(2, 10)}`,
  };
}

/**
 * The form body of a slash command, encoded like Slack (`application/x-www-form-urlencoded`:
 * spaces as `+`, `/` as `%2F`).
 */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams(slashCommandPayload(fields)).toString();
}

export interface BlockActionInput {
  action_id: string;
  value?: string;
  block_id?: string;
  type?: string;
  text?: string;
}

export interface BlockActionsInput {
  user: { id: string; username?: string; name?: string; team_id?: string };
  channel: { id: string; name?: string };
  /** The message holding the button (its `ts` at least). Omit for a button in a modal. */
  message?: { ts: string; text?: string; blocks?: unknown[]; thread_ts?: string; [key: string]: unknown };
  actions: BlockActionInput[];
  response_url: string;
  trigger_id?: string;
  team?: { id: string; domain?: string };
  api_app_id?: string;
  /** The button sits in an ephemeral message. */
  is_ephemeral?: boolean;
  /** Extra top-level payload fields (override defaults). */
  extra?: Record<string, unknown>;
}

/** The block_actions payload object (as Slack builds it), before encoding. */
export function blockActionsPayload(input: BlockActionsInput): Record<string, unknown> {
  const actionTs = `${nowSec()}.000001`;
  const team = { id: input.team?.id ?? 'T0STANDIN', domain: input.team?.domain ?? 'standin' };
  const username = input.user.username ?? input.user.name ?? input.user.id.toLowerCase();
  return {
    type: 'block_actions',
    user: { id: input.user.id, username, name: username, team_id: input.user.team_id ?? team.id },
    api_app_id: input.api_app_id ?? 'A0APPID',
    token: 'standin-verification-token',
    container:
      input.message === undefined
        ? { type: 'view' }
        : {
            type: 'message',
            message_ts: input.message.ts,
            channel_id: input.channel.id,
            is_ephemeral: input.is_ephemeral ?? false,
            ...(input.message.thread_ts === undefined ? {} : { thread_ts: input.message.thread_ts }),
          },
    trigger_id: input.trigger_id ?? `${nowSec()}.1234567890.standin${Math.random().toString(16).slice(2, 10)}`,
    team,
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channel.id, name: input.channel.name ?? input.channel.id.toLowerCase() },
    ...(input.message === undefined ? {} : { message: { type: 'message', ...input.message } }),
    state: { values: {} },
    response_url: input.response_url,
    actions: input.actions.map((a) => ({
      action_id: a.action_id,
      block_id: a.block_id ?? 'standin-block',
      text: { type: 'plain_text', text: a.text ?? a.action_id, emoji: true },
      ...(a.value === undefined ? {} : { value: a.value }),
      type: a.type ?? 'button',
      action_ts: actionTs,
    })),
    ...input.extra,
  };
}

/** `payload=<urlencoded JSON>`, as Slack posts interactions. */
export function blockActionsBody(input: BlockActionsInput): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(input)) }).toString();
}

export interface PostSignedOptions {
  secret: string;
  /** `x-slack-request-timestamp` in seconds (default now); sign with this ts too. */
  ts?: number;
  /** Use this signature instead of computing one. */
  signature?: string;
  /** Leave headers out entirely. */
  omit?: Array<'signature' | 'timestamp'>;
  /** Default exactly `application/x-www-form-urlencoded` (Bolt refuses anything else for forms). */
  contentType?: string;
  /** Slack's retry headers `x-slack-retry-num` / `x-slack-retry-reason`. */
  retryNum?: number;
  retryReason?: string;
  /** Extra headers (win over the computed ones). */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface SignedResponse {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
  /** Time from sending to the end of the answer. */
  ms: number;
}

/** POSTs `body` to a Bolt endpoint with Slack's signature headers (one connection, no keep-alive). */
export function postSigned(url: string, body: string, options: PostSignedOptions): Promise<SignedResponse> {
  const ts = options.ts ?? nowSec();
  const omit = new Set(options.omit ?? []);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? FORM_CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  if (!omit.has('timestamp')) headers['x-slack-request-timestamp'] = String(ts);
  if (!omit.has('signature')) headers['x-slack-signature'] = options.signature ?? signBody(options.secret, body, ts);
  if (options.retryNum !== undefined) headers['x-slack-retry-num'] = String(options.retryNum);
  if (options.retryReason !== undefined) headers['x-slack-retry-reason'] = options.retryReason;
  Object.assign(headers, options.headers);

  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false, timeout: options.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
          ms: Date.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`postSigned: no answer from ${url} within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
