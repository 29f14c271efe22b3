import type { ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';
import { keys } from '../../src/adapters/redis/keys';
import { allocatePorts } from '../../test/support/free-port';
import type { SlackStandin } from '../../test/support/slack/slack-standin';
import { isPortOpen } from '../../test/support/tcp-probe';
import { waitUntil } from '../../test/support/wait-until';
import { SECRET, slash, type BotContext } from './bot-client';
import { waitResults } from './bot-runs';
import { spawnJs, spawnTs, stopChild } from './child';

/** bench/bot-process.ts for a compiled bot: `node -e BOT_JS_MAIN run-bot.js`. */
const BOT_JS_MAIN = [
  "process.once('disconnect', () => process.exit(0));",
  'require(process.argv[1]).runBot(process.env).then(() => process.exit(0), (err) => {',
  "  process.stderr.write('bench bot: ' + String(err && err.stack ? err.stack : err) + '\\n');",
  '  process.exit(1);',
  '});',
].join('\n');

/** What the bench shares with its bot process: Redis (URL and a client), the Slack stand-in, the bench's directory. */
export interface BotProcessShared {
  redisUrl: string;
  redisClient: Redis;
  standin: SlackStandin;
  dir: string;
  /** Write a V8 CPU profile of the bot here. */
  profileDir?: string | undefined;
  /** Run the bot from this compiled `run-bot.js` (plain node, no tsx) instead of from the TypeScript sources. */
  botJs?: string | undefined;
}

/**
 * The bot process (`srs-chatops bot`, HTTP mode). The bot paces thread replies to Slack's ~1 post/s per channel and
 * delivers events one at a time, so a fan-out's summary edit comes about N seconds after the last result. Runs that
 * do not wait for it call {@link BotProcess.reset}: the bot is restarted and the event stream dropped, so the next
 * run does not queue behind the previous run's replies.
 */
export class BotProcess {
  ctx: BotContext;
  private child: ChildProcess | undefined;
  restarts = 0;

  constructor(
    private readonly s: BotProcessShared,
    private readonly configPath: string,
    private readonly logPath: string,
    private readonly warmHost: string,
  ) {
    this.ctx = { standin: s.standin, url: '', botPid: 0, redis: s.redisClient, dir: s.dir };
  }

  /** `withJob`: also one real `status <host>` through enqueue and a worker (one must be running). */
  async start(withJob = false): Promise<void> {
    const [port] = await allocatePorts(1);
    const s = this.s;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SRS_CHATOPS_CONFIG: this.configPath,
      REDIS_URL: s.redisUrl,
      SLACK_BOT_TOKEN: s.standin.token,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: s.standin.url,
      SLACK_BOT_ID: s.standin.identity.botId,
      SLACK_BOT_USER_ID: s.standin.identity.botUserId,
      PORT: String(port),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    const nodeArgs = s.profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${s.profileDir}`] : [];
    const child =
      s.botJs !== undefined
        ? spawnJs(BOT_JS_MAIN, [s.botJs], env, this.logPath, nodeArgs)
        : spawnTs('bench/bot-process.ts', [], env, this.logPath, nodeArgs);
    this.child = child;
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}); see ${this.logPath}`);
        return isPortOpen(port as number);
      },
      { timeoutMs: 90_000, intervalMs: 50, description: 'the bot HTTP port' },
    );
    this.ctx.url = `http://127.0.0.1:${port as number}/slack/events`;
    this.ctx.botPid = child.pid as number;
    // First requests of a fresh process pay module loading; these touch the HTTP, parse and policy paths only.
    await slash(this.ctx, 'help');
    await slash(this.ctx, 'hosts');
    if (withJob) {
      const ack = await slash(this.ctx, `status ${this.warmHost}`);
      if (ack.requestId === undefined) throw new Error(`bot warm-up not accepted: ${ack.body.slice(0, 200)}`);
      await waitResults(this.s.redisClient, [ack.requestId], 1, ack.t0, 30_000);
    }
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 10_000);
    this.child = undefined;
  }

  /**
   * Drops the delivery backlog: bot stopped, event stream deleted, stand-in cleared, bot started again and warmed up
   * with one real single-host command (a worker must be running), so the next measurement meets a warm process.
   */
  async reset(): Promise<void> {
    await this.stop();
    await this.s.redisClient.del(keys.events);
    this.s.standin.reset();
    this.restarts += 1;
    await this.start(true);
  }
}
