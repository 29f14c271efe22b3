/**
 * Where the slash-command ack time goes: the bot's real command handler (src/app/bot-runtime.ts `onCommand`, on a
 * real redis-server, no worker, an in-memory chat) with each awaited step on the ack path timed: audit appends, the
 * trigger claim, the request record, the enqueue, the queue-position lookup. Bolt's HTTP layer is not included (the
 * fleet bench measures the whole HTTP answer); the follow-up (parent post) runs after the ack and is not timed.
 *
 *   npx tsx bench/ack-path.ts [--hosts 50]
 *
 * Each scenario runs on a fresh redis-server and bot runtime: one command at a time, then 50 at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config/load-config';
import { createLogger } from '../src/adapters/logger';
import type { ChatMessage } from '../src/core/command';
import { startBotRuntime, type BotRuntime } from '../src/app/bot-runtime';
import type { ChatPort, PostedMessage } from '../src/ports/chat-port';
import { startRedis } from '../test/support/redis-server';
import { fmtMs, percentile } from './lib/stats';

const USER = 'U0BENCH01';
const CHANNEL = 'C0BENCH01';

class MemoryChat implements ChatPort {
  private seq = 0;
  post(channel: string, _message: ChatMessage): Promise<PostedMessage> {
    this.seq += 1;
    return Promise.resolve({ channel, ts: `1700000000.${String(this.seq).padStart(6, '0')}` });
  }
  update(): Promise<void> {
    return Promise.resolve();
  }
  postEphemeral(): Promise<void> {
    return Promise.resolve();
  }
}

type Timings = Map<string, number[]>;

/** Replaces `obj[name]` with a version that records how long each call took under `label`. */
function timeMethod<T extends object, K extends keyof T & string>(obj: T, name: K, label: string, timings: Timings): void {
  const original = obj[name];
  if (typeof original !== 'function') return;
  const fn = original as (...args: unknown[]) => Promise<unknown>;
  const wrapped = async (...args: unknown[]): Promise<unknown> => {
    const t = performance.now();
    try {
      return await fn.apply(obj, args);
    } finally {
      const list = timings.get(label) ?? [];
      list.push(performance.now() - t);
      timings.set(label, list);
    }
  };
  Object.assign(obj, { [name]: wrapped });
}

function instrument(runtime: BotRuntime, timings: Timings): void {
  const d = runtime.deps;
  timeMethod(d.audit, 'append', 'audit.append', timings);
  timeMethod(d.requests, 'create', 'requests.create', timings);
  timeMethod(d.requests, 'claimTrigger', 'requests.claimTrigger', timings);
  timeMethod(d.queue, 'enqueue', 'queue.enqueue', timings);
  timeMethod(d.queue, 'hostQueues', 'queue.hostQueues (position, busy hosts only)', timings);
}

async function scenario(dir: string, n: number, label: string, texts: () => string[], rounds: number, out: string[]): Promise<void> {
  const redis = await startRedis({ dir: path.join(dir, `redis-${out.length}`) });
  const doc = {
    ssh: { user: 'bench', privateKeyPath: '/nonexistent/key', knownHostsPath: '/nonexistent/known_hosts' },
    slack: { allowedChannels: [CHANNEL], roles: { operator: [USER] } },
    hosts: Array.from({ length: n }, (_, i) => ({ name: `h${String(i + 1).padStart(3, '0')}`, address: '127.0.0.1', port: 22 })),
  };
  const config = parseConfig(doc, 'ack-path');
  const runtime = await startBotRuntime({
    config,
    chat: new MemoryChat(),
    redisUrl: redis.url,
    logger: createLogger('ack-path', { LOG_LEVEL: 'silent' }),
  });
  const timings: Timings = new Map();
  instrument(runtime, timings);
  const totals: number[] = [];
  let trigger = 0;
  try {
    // One untimed command: module and script loading.
    await runtime.onCommand({ userId: USER, channelId: CHANNEL, text: 'status h001', triggerId: 'warmup' });
    timings.clear();
    for (let r = 0; r < rounds; r += 1) {
      await Promise.all(
        texts().map(async (text) => {
          trigger += 1;
          const t = performance.now();
          const reply = await runtime.onCommand({ userId: USER, channelId: CHANNEL, text, triggerId: `t${trigger}` });
          totals.push(performance.now() - t);
          if (reply.requestId === undefined) throw new Error(`not queued: ${reply.ephemeral.text.slice(0, 200)}`);
        }),
      );
    }
  } finally {
    await runtime.close();
    await redis.stop();
  }
  out.push(
    `| ${label} | ${totals.length} | **${fmtMs(percentile(totals, 50))} / ${fmtMs(percentile(totals, 99))}** | ${[...timings].map(([k, v]) => `${k} ×${(v.length / totals.length).toFixed(0)}: ${fmtMs(percentile(v, 50))} / ${fmtMs(percentile(v, 99))}`).join('; ')} |`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { hosts: { type: 'string', default: '50' } } });
  const n = Number(values.hosts);
  if (!Number.isInteger(n) || n < 50 || n > 400) throw new Error('--hosts 50..400');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-ack-'));
  const out = [
    `ack path of \`onCommand\` (no HTTP), ${n} hosts in the inventory, no worker; p50 / p99 per step (×: calls per command)`,
    '',
    '| scenario | commands | onCommand p50 / p99 | awaited steps p50 / p99 |',
    '| --- | ---: | ---: | --- |',
  ];
  const names = Array.from({ length: 50 }, (_, i) => `h${String(i + 1).padStart(3, '0')}`);
  try {
    await scenario(dir, n, '`status <one host>`, one at a time', () => ['status h001'], 30, out);
    await scenario(dir, n, '`status <one host>` x 50 at once (distinct hosts)', () => names.map((h) => `status ${h}`), 5, out);
    await scenario(dir, n, `\`status all\` (${n} jobs), one at a time`, () => ['status all'], 10, out);
    await scenario(dir, n, `\`status all\` x 50 at once (${50 * n} jobs)`, () => names.map(() => 'status all'), 1, out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`ack-path: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
