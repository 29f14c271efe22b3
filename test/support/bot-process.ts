import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Config } from '../../config/schema';
import { SECRET } from './bot-harness';
import type { TransportKind } from './slack/chat-transport';
import type { SlackStandin } from './slack/slack-standin';
import { watchChild } from './watch-child';

/** A real `srs-chatops bot` process against the Slack stand-in, in HTTP mode or Socket Mode. */
export interface BotProcess {
  child: ChildProcess;
  /** Slack's endpoint: `http://127.0.0.1:PORT/slack/events` (HTTP mode). */
  url: string;
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<number | null>;
}

/**
 * Writes the config and starts `srs-chatops bot` (tsx, no build). HTTP (default): signed with bot-harness's SECRET.
 * Socket: the stand-in's app token and no signing secret, as `.env.example` sets it up; start a Socket Mode
 * stand-in on `standin` first (`startSocketModeStandin`), or the bot only logs "Failed to retrieve a new WSS URL".
 */
export function spawnBot(
  config: Config,
  o: { redisUrl: string; standin: SlackStandin; port: number; transport?: TransportKind; env?: NodeJS.ProcessEnv },
): BotProcess {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-'));
  const configPath = path.join(dir, 'srs-chatops.yml');
  fs.writeFileSync(configPath, stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'bot'], {
    env: {
      ...process.env,
      SRS_CHATOPS_CONFIG: configPath,
      REDIS_URL: o.redisUrl,
      SLACK_BOT_TOKEN: o.standin.token,
      ...(o.transport === 'socket' ? { SLACK_APP_TOKEN: o.standin.appToken, SLACK_SIGNING_SECRET: '' } : { SLACK_SIGNING_SECRET: SECRET }),
      SLACK_API_URL: o.standin.url,
      SLACK_BOT_ID: o.standin.identity.botId,
      SLACK_BOT_USER_ID: o.standin.identity.botUserId,
      PORT: String(o.port),
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = watchChild(child);
  return {
    child,
    url: `http://127.0.0.1:${o.port}/slack/events`,
    output,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Waits for a JSON log line with `msg` and returns its `metricsPort` (the ops endpoints' port). */
export async function opsPortOf(output: () => string, msg: 'bot started' | 'worker started', timeoutMs = 30000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const line of output().split('\n')) {
      if (!line.includes(`"msg":"${msg}"`)) continue;
      const port = (JSON.parse(line) as { metricsPort?: unknown }).metricsPort;
      if (typeof port === 'number') return port;
      throw new Error(`${msg} without a metrics port: ${line}`);
    }
    if (Date.now() > end) throw new Error(`no "${msg}" line within ${timeoutMs} ms:\n${output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
