import { createInterface } from 'node:readline';
import pino from 'pino';
import { loadConfig } from '../../config/load-config';
import { ConsoleChat } from '../adapters/console/console-chat';
import { createLogger } from '../adapters/logger';
import { startBotRuntime } from './bot-runtime';

/** How long, after stdin closes, the console waits for requests still running. */
const DRAIN_MS = 120000;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * `srs-chatops console [--user U..] [--channel C..]`: the bot in a terminal (like Hubot's shell). Each line is what
 * you would type after `/srs`. Acts as a Slack user id (default: the first admin of the config).
 */
export async function runConsole(args: string[], env: NodeJS.ProcessEnv = process.env, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = loadConfig(env);
  // Logs go to stderr, so that stdout is the conversation.
  const logger = createLogger('console', { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const userId = option(args, '--user') ?? env.SRS_CHATOPS_CONSOLE_USER ?? config.slack.roles.admin[0] ?? 'UCONSOLE';
  const channelId = option(args, '--channel') ?? env.SRS_CHATOPS_CONSOLE_CHANNEL ?? config.slack.allowedChannels[0] ?? 'CCONSOLE';
  const chat = new ConsoleChat({ write: (t) => output.write(t) });
  const runtime = await startBotRuntime({ config, chat, redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379', logger, consumer: `console-${process.pid}` });
  const pending = new Set<string>();
  const interactive = 'isTTY' in input && input.isTTY === true;
  output.write(
    `srs-chatops console: you are ${userId} in ${channelId}. Type \`help\`, \`hosts\`, \`status all\`; \`press b1\` presses a button ` +
      `(\`press b2 <reason>\` to deny); \`as U0123ABC <line>\` acts as another user (an approver); \`exit\` to quit.\n`,
  );
  const rl = createInterface({ input, terminal: interactive, ...(interactive ? { prompt: 'srs> ' } : {}) });
  if (interactive) rl.prompt();
  for await (const raw of rl) {
    const as = /^as\s+([UW][A-Z0-9]{2,20})\s+(.*)$/.exec(raw.trim());
    const actor = as?.[1] ?? userId;
    const line = (as?.[2] ?? raw).trim().replace(/^\/srs\b\s*/, '');
    if (line === 'exit' || line === 'quit') break;
    if (raw.trim() === '') {
      if (interactive) rl.prompt();
      continue;
    }
    const press = /^press\s+(b\d+)(?:\s+(.*))?$/.exec(line);
    if (press) {
      const button = chat.button(press[1] ?? '');
      const reason = press[2]?.trim();
      if (!button) output.write(`(only you) no button ${press[1] ?? ''}; the codes are shown as [press bN] under messages\n`);
      else {
        const answer = await runtime.onAction({ ...button, userId: actor, channelId: button.channelId, ...(reason ? { reason } : {}) });
        if (answer.ephemeral) await chat.postEphemeral(channelId, actor, answer.ephemeral);
      }
      if (interactive) rl.prompt();
      continue;
    }
    const reply = await runtime.onCommand({ userId: actor, channelId, text: line });
    await chat.postEphemeral(channelId, actor, reply.ephemeral);
    if (reply.requestId !== undefined) pending.add(reply.requestId);
    if (reply.followUp) await reply.followUp().catch((err: unknown) => output.write(`could not post: ${String(err)}\n`));
    if (interactive) rl.prompt();
  }
  const deadline = Date.now() + DRAIN_MS;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const id of [...pending]) {
      const progress = await runtime.deps.requests.get(id).catch(() => undefined);
      if (!progress || progress.done) pending.delete(id);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await runtime.close();
  return pending.size === 0 ? 0 : 1;
}
