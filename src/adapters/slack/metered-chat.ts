import type { ChatPort } from '../../ports/chat-port';
import type { MetricsPort } from '../../ports/metrics-port';

/** Slack's error for a failed Web API call: the platform error (`channel_not_found`), `http_503`, or the client's code. */
export function slackErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'unknown';
  const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown };
  if (typeof e.data?.error === 'string') return e.data.error;
  if (typeof e.statusCode === 'number') return `http_${e.statusCode}`;
  if (e.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (e.code === 'slack_webapi_request_error') return 'request_error';
  return typeof e.code === 'string' ? e.code : 'unknown';
}

/** A ChatPort (the Slack one) that counts failed calls by method and Slack error; callers still see the error. */
export function meteredChat(inner: ChatPort, metrics: MetricsPort): ChatPort {
  const count =
    (method: string) =>
    (err: unknown): never => {
      metrics.slackApiError(method, slackErrorCode(err));
      throw err;
    };
  return {
    post: (channel, message, threadTs) => inner.post(channel, message, threadTs).catch(count('chat.postMessage')),
    update: (channel, ts, message, options) => inner.update(channel, ts, message, options).catch(count('chat.update')),
    postEphemeral: (channel, userId, message) => inner.postEphemeral(channel, userId, message).catch(count('chat.postEphemeral')),
  };
}
