import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface, type Interface } from 'node:readline';
import pino from 'pino';
import { loadConfigWithSource } from '../../config/load-config';
import { ConsoleChat } from '../adapters/console/console-chat';
import { HISTORY_SIZE, historyPath, loadHistory, saveHistory } from '../adapters/console/console-history';
import { PromptLine } from '../adapters/console/prompt-line';
import { createLogger } from '../adapters/logger';
import { startBotRuntime, type BotRuntime } from './bot-runtime';
import { readOpsPublicUrl } from './ops/read-ops-env';

/** How long, after `exit` or the end of input, the console waits for requests still running. */
const DRAIN_MS = 120000;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function isTty(stream: NodeJS.ReadableStream | NodeJS.WritableStream): boolean {
  return 'isTTY' in stream && stream.isTTY === true;
}

/** One typed line, run: `exit`/`quit` end the session. */
type Outcome = 'more' | 'exit';

interface Session {
  runtime: BotRuntime;
  chat: ConsoleChat;
  userId: string;
  channelId: string;
  /** Requests started here, waited for before leaving. */
  pending: Set<string>;
}

async function runLine(s: Session, raw: string): Promise<Outcome> {
  const as = /^as\s+([UW][A-Z0-9]{2,20})\s+(.*)$/.exec(raw.trim());
  const actor = as?.[1] ?? s.userId;
  const line = (as?.[2] ?? raw).trim().replace(/^\/srs\b\s*/, '');
  if (line === 'exit' || line === 'quit') return 'exit';
  if (line === '') return 'more';
  const press = /^press\s+(b\d+)(?:\s+(.*))?$/.exec(line);
  if (press) {
    const button = s.chat.button(press[1] ?? '');
    const reason = press[2]?.trim();
    if (!button) s.chat.say(`(only you) no button ${press[1] ?? ''}; the codes are shown as [press bN] under messages`);
    else {
      const answer = await s.runtime.onAction({ ...button, userId: actor, channelId: button.channelId, ...(reason ? { reason } : {}) });
      if (answer.ephemeral) await s.chat.postEphemeral(s.channelId, actor, answer.ephemeral);
    }
    return 'more';
  }
  const reply = await s.runtime.onCommand({ userId: actor, channelId: s.channelId, text: line });
  await s.chat.postEphemeral(s.channelId, actor, reply.ephemeral);
  if (reply.requestId !== undefined) s.pending.add(reply.requestId);
  if (reply.followUp) await reply.followUp().catch((err: unknown) => s.chat.say(`could not post: ${String(err)}`));
  return 'more';
}

/**
 * Reads lines until `exit`/`quit`, Ctrl-D (or the end of the input), or Ctrl-C at an empty prompt (Ctrl-C with a
 * line typed clears it). Lines are run one at a time, in order; the prompt comes back when a line is done.
 */
function converse(s: Session, rl: Interface, prompt: PromptLine): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    let queue = Promise.resolve();
    const finish = (): void => {
      if (done) return;
      done = true;
      rl.close();
      resolve();
    };
    rl.on('line', (raw: string) => {
      // Keys typed while the line runs wait in the terminal, echoed at the next prompt rather than among the output.
      if (rl.terminal) rl.pause();
      prompt.submitted();
      s.chat.moved();
      queue = queue.then(async () => {
        if (done) return;
        const outcome = await runLine(s, raw).catch((err: unknown) => {
          s.chat.say(`:warning: ${err instanceof Error ? err.message : String(err)}`);
          return 'more' as const;
        });
        if (outcome === 'exit') finish();
        else if (!done) prompt.prompt();
      });
    });
    rl.on('SIGINT', () => {
      if (rl.line !== '') {
        rl.write(null, { ctrl: true, name: 'e' });
        rl.write(null, { ctrl: true, name: 'u' });
        return;
      }
      prompt.leave();
      s.chat.moved();
      finish();
    });
    // Ctrl-D, or the input's end: the lines already read still run.
    rl.on('close', () => {
      prompt.leave();
      s.chat.moved();
      void queue.then(finish);
    });
    rl.resume();
    prompt.prompt();
  });
}

/** Waits (at most DRAIN_MS, or until Ctrl-C) for the session's requests, so their results are shown. */
async function drain(s: Session): Promise<boolean> {
  const deadline = Date.now() + DRAIN_MS;
  let stop = false;
  const onSigint = (): void => {
    stop = true;
  };
  process.once('SIGINT', onSigint);
  let told = false;
  try {
    while (s.pending.size > 0 && Date.now() < deadline && !stop) {
      for (const id of [...s.pending]) {
        const progress = await s.runtime.deps.requests.get(id).catch(() => undefined);
        if (!progress || progress.done) s.pending.delete(id);
      }
      if (s.pending.size === 0 || stop) break;
      if (!told) {
        told = true;
        s.chat.say(`(waiting for ${[...s.pending].map((id) => `\`${id}\``).join(', ')} to finish; Ctrl-C to leave now)`);
      }
      await sleep(200);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  return s.pending.size === 0;
}

/**
 * `srs-chatops console [--user U..] [--channel C..] [--history FILE|off]`: the bot in a terminal (like Hubot's shell).
 * Each line is what you would type after `/srs`. Acts as a Slack user id (default: the first admin of the config). On
 * a terminal: a `srs> ` prompt with line editing and history (kept in `~/.local/state/srs-chatops/console_history`
 * unless `--history` says otherwise), Slack markup in ANSI, messages edited in place.
 */
export async function runConsole(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const { config, source } = loadConfigWithSource(env);
  // Logs go to stderr, so that stdout is the conversation.
  const logger = createLogger('console', { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const userId = option(args, '--user') ?? env.SRS_CHATOPS_CONSOLE_USER ?? config.slack.roles.admin[0] ?? 'UCONSOLE';
  const channelId = option(args, '--channel') ?? env.SRS_CHATOPS_CONSOLE_CHANNEL ?? config.slack.allowedChannels[0] ?? 'CCONSOLE';
  const interactive = isTty(input) && isTty(output);
  const file = interactive ? historyPath(option(args, '--history')) : undefined;
  const rl = createInterface(
    interactive
      ? {
          input,
          output,
          terminal: true,
          prompt: 'srs> ',
          history: loadHistory(file),
          historySize: HISTORY_SIZE,
          removeHistoryDuplicates: true,
        }
      : { input, terminal: false },
  );
  rl.pause();
  if (interactive) rl.on('history', (history: string[]) => saveHistory(file, history));
  const screen = new PromptLine(output, interactive ? rl : undefined);
  const chat = new ConsoleChat(screen);
  const opsPublicUrl = readOpsPublicUrl(env);
  const runtime = await startBotRuntime({
    config,
    source,
    // The files are watched; SIGHUP stays the terminal's hang-up (it ends the console, as before).
    reload: { env, sighup: false },
    chat,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    logger,
    consumer: `console-${process.pid}`,
    ...(opsPublicUrl !== undefined ? { opsPublicUrl } : {}),
  }).catch((err: unknown) => {
    rl.close(); // the terminal back out of raw mode
    throw err;
  });
  const session: Session = { runtime, chat, userId, channelId, pending: new Set() };
  chat.say(
    `srs-chatops console: you are ${userId} in ${channelId}. Type \`help\`, \`hosts\`, \`status all\`; \`press b1\` presses a button ` +
      `(\`press b2 <reason>\` to deny); \`as U0123ABC <line>\` acts as another user (an approver); \`exit\` or Ctrl-D to quit.`,
  );
  try {
    await converse(session, rl, screen);
    // Nothing more is read: a pipe left open must not keep the process alive.
    input.pause();
    if (input === process.stdin) process.stdin.destroy();
    return (await drain(session)) ? 0 : 1;
  } finally {
    await runtime.close();
  }
}
