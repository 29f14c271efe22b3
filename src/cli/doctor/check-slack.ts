import { readTokenIdentity } from '../../adapters/slack/read-token-identity';
import { slackErrorCode } from '../../adapters/slack/metered-chat';
import { REQUIRED_BOT_SCOPES } from '../../adapters/slack/required-scopes';
import type { Finding } from './finding';

const REINSTALL =
  'in api.slack.com/apps → your app → OAuth & Permissions (or paste slack-app-manifest.yml), then reinstall the app and update SLACK_BOT_TOKEN';

/** Compares the scopes a token has with those the bot needs: missing ones are problems, extra ones warnings. */
export function assessScopes(granted: readonly string[]): Finding[] {
  const missing = REQUIRED_BOT_SCOPES.filter((s) => !granted.includes(s));
  const extra = granted.filter((s) => !REQUIRED_BOT_SCOPES.includes(s));
  const out: Finding[] = [
    missing.length === 0
      ? { host: '-', check: 'slack scopes', ok: true, detail: REQUIRED_BOT_SCOPES.join(',') }
      : {
          host: '-',
          check: 'slack scopes',
          ok: false,
          detail: `missing ${missing.join(',')} (has ${granted.join(',') || 'none'})`,
          fix: `add the bot scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${REINSTALL}`,
        },
  ];
  if (extra.length > 0) {
    out.push({
      host: '-',
      check: 'slack least privilege',
      ok: false,
      warnOnly: true,
      detail: `not needed: ${extra.join(',')}`,
      fix: `remove ${extra.join(', ')} ${REINSTALL}`,
    });
  }
  return out;
}

/** `doctor`'s Slack checks: the bot token works (`auth.test`) and has the scopes the bot needs, no more. */
export async function checkSlack(env: NodeJS.ProcessEnv): Promise<Finding[]> {
  const token = env.SLACK_BOT_TOKEN;
  if (!token) {
    return [
      {
        host: '-',
        check: 'slack token',
        ok: false,
        warnOnly: true,
        detail: 'SLACK_BOT_TOKEN not set: Slack not checked',
        fix: 'run doctor where the bot runs, with its environment (workers need no Slack token)',
      },
    ];
  }
  const findings: Finding[] = [];
  if (!token.startsWith('xoxb-'))
    findings.push({
      host: '-',
      check: 'slack token kind',
      ok: false,
      detail: 'not a bot token (xoxb-…)',
      fix: 'use the Bot User OAuth Token from OAuth & Permissions',
    });
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    findings.push({
      host: '-',
      check: 'slack mode',
      ok: false,
      detail: 'neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode)',
      fix: 'set SLACK_SIGNING_SECRET (Basic Information → Signing Secret), or SLACK_APP_TOKEN (xapp-…, connections:write) for Socket Mode',
    });
  } else if (env.SLACK_APP_TOKEN && !env.SLACK_APP_TOKEN.startsWith('xapp-')) {
    findings.push({
      host: '-',
      check: 'slack mode',
      ok: false,
      detail: 'SLACK_APP_TOKEN is not an app-level token (xapp-…)',
      fix: 'Basic Information → App-Level Tokens → generate one with connections:write',
    });
  } else {
    findings.push({ host: '-', check: 'slack mode', ok: true, detail: env.SLACK_APP_TOKEN ? 'Socket Mode' : 'HTTP (POST /slack/events)' });
  }
  try {
    const who = await readTokenIdentity(token, env.SLACK_API_URL);
    findings.push(
      { host: '-', check: 'slack token', ok: true, detail: `auth.test: team ${who.team}, bot user ${who.userId}` },
      ...assessScopes(who.scopes),
    );
  } catch (err) {
    const code = slackErrorCode(err);
    const fix =
      code === 'invalid_auth' || code === 'token_revoked' || code === 'account_inactive'
        ? `the token was refused: reinstall the app and set SLACK_BOT_TOKEN to its new Bot User OAuth Token`
        : 'check the network path to Slack (proxy, SLACK_API_URL)';
    findings.push({ host: '-', check: 'slack token', ok: false, detail: `auth.test failed: ${code}`, fix });
  }
  return findings;
}
