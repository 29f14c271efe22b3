import { LogLevel, WebClient } from '@slack/web-api';

/** Who a bot token is and what it may do, as Slack's `auth.test` answers (scopes from its `x-oauth-scopes` header). */
export interface TokenIdentity {
  team: string;
  userId: string;
  scopes: string[];
}

/** Calls `auth.test` once (no retries); rejects with Slack's error (`invalid_auth`, ...) or the network's. */
export async function readTokenIdentity(token: string, slackApiUrl?: string): Promise<TokenIdentity> {
  const client = new WebClient(token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    timeout: 10000,
  });
  const res = await client.auth.test();
  return { team: res.team ?? '?', userId: res.user_id ?? '?', scopes: res.response_metadata?.scopes ?? [] };
}
