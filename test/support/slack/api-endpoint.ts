import type { IncomingMessage, ServerResponse } from 'node:http';
import { SlackApiError } from './api-error';
import type { FaultInjector } from './fault-injector';
import { sendJson, sendText, sleep } from './http-util';
import type { MethodRegistry } from './method-registry';
import { parseApiRequest, readBody } from './request-body';
import type { DownMode, JsonObject, RecordedCall, StandinIdentity, TokenKind } from './standin-types';

export const API_PATH = '/api/';

export interface ApiEndpointDeps {
  registry: MethodRegistry;
  faults: FaultInjector;
  identity: StandinIdentity;
  tokens: Record<TokenKind, string>;
  calls: RecordedCall[];
  downMode: () => DownMode | undefined;
  /** Scopes granted to the bot token: sent in `x-oauth-scopes` on every answer to a bot-token call, as Slack does. */
  scopes: () => readonly string[];
}

function tokenKind(token: string | undefined, tokens: Record<TokenKind, string>): TokenKind {
  if (token === undefined || token === '') throw new SlackApiError('not_authed');
  if (token === tokens.bot) return 'bot';
  if (token === tokens.app) return 'app';
  throw new SlackApiError('invalid_auth');
}

/** Runs the method against the model: parse errors, unknown method, auth, then the handler. */
function execute(call: RecordedCall, parseError: string | undefined, deps: ApiEndpointDeps): JsonObject {
  try {
    if (parseError !== undefined) throw new SlackApiError(parseError);
    const registered = deps.registry.get(call.method);
    if (registered === undefined) throw new SlackApiError('unknown_method', { req_method: call.method });
    const kind = tokenKind(call.token, deps.tokens);
    if (kind !== registered.tokenKind) throw new SlackApiError('not_allowed_token_type');
    const result = registered.handler(call.args, { method: call.method, token: call.token ?? '', identity: deps.identity });
    deps.faults.noteAccepted(call.method, Date.now());
    return { ok: true, ...result };
  } catch (err) {
    if (!(err instanceof SlackApiError)) throw err;
    call.outcome = 'error';
    call.error = err.error;
    return err.toBody();
  }
}

/**
 * `POST /api/<method>`: records the call, then in order: down state, queued fault, rate limit, execution.
 * Platform errors are HTTP 200 `{ok:false}` as in Slack; rate limits are 429 with `Retry-After`.
 */
export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiEndpointDeps): Promise<void> {
  const method = decodeURIComponent(url.pathname.slice(API_PATH.length));
  const rawBody = await readBody(req);
  const parsed = parseApiRequest(req, rawBody, url.searchParams);
  const call: RecordedCall = {
    seq: deps.calls.length + 1,
    method,
    args: parsed.args,
    token: parsed.token,
    contentType: parsed.contentType,
    rawBody,
    time: Date.now(),
    outcome: 'ok',
    status: 200,
  };
  deps.calls.push(call);

  const down = deps.downMode();
  if (down !== undefined) {
    call.outcome = 'down';
    deps.faults.countRejection(method, 'down');
    if (down === '503') {
      call.status = 503;
      sendText(res, 503, 'Service Unavailable (slack stand-in is down)');
    } else {
      call.status = 0;
      req.socket.destroy();
    }
    return;
  }

  let fault = deps.faults.take(method);
  if (fault !== undefined && 'delayMs' in fault) {
    await sleep(fault.delayMs);
    fault = undefined;
  }
  if (fault !== undefined && 'ok' in fault) {
    call.outcome = 'error';
    call.error = fault.error;
    deps.faults.countRejection(method, 'injectedError');
    sendJson(res, 200, { ok: false, error: fault.error });
    return;
  }
  const retryAfter = fault?.status === 429 ? (fault.retryAfterSec ?? 1) : deps.faults.retryAfter(method, Date.now());
  if (retryAfter !== undefined) {
    call.outcome = 'rate_limited';
    call.status = 429;
    call.error = 'ratelimited';
    deps.faults.countRejection(method, 'rateLimited');
    sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    return;
  }
  if (fault !== undefined && fault.status !== 429 && fault.afterCommit !== true) {
    call.outcome = 'http_error';
    call.status = fault.status;
    deps.faults.countRejection(method, 'httpError');
    sendText(res, fault.status, fault.body ?? 'Internal Server Error (injected)');
    return;
  }

  const body = execute(call, parsed.parseError, deps);
  const scopeHeader: Record<string, string> = call.token === deps.tokens.bot ? { 'x-oauth-scopes': deps.scopes().join(',') } : {};
  if (fault !== undefined && fault.status !== 429) {
    // afterCommit: the method ran, the answer is lost.
    call.outcome = 'http_error';
    call.status = fault.status;
    deps.faults.countRejection(method, 'httpError');
    sendText(res, fault.status, fault.body ?? 'Internal Server Error (injected, after commit)');
    return;
  }
  sendJson(res, 200, body, scopeHeader);
}
