import type { Redis } from 'ioredis';
import { FANOUT_QUEUE_NAME, QUEUE_NAME } from '../../src/adapters/redis/keys';
import { slash, type BotContext } from './bot-client';
import { cpuMs } from './proc';

/** What one `status all` costs the bot's accept path, measured with no worker running. */
export interface AcceptProbe {
  ackMs: number;
  /** Redis commands executed (INFO commandstats, script-internal calls included) from the command to the ack. */
  redisCallsToAck: number;
  /** The same, over an idle window of the same length just before (the bot's background reads). */
  redisCallsIdle: number;
  /** The bot's CPU from the command to the ack. */
  botCpuMs: number;
  /** Jobs waiting in each BullMQ queue after the ack (host jobs; request-level fan-out jobs). */
  waiting: Record<string, number>;
}

async function commandCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let sum = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) sum += Number(m[1]);
  return sum;
}

async function waitingJobs(redis: Redis, queue: string): Promise<number> {
  const [wait, prioritized] = await Promise.all([redis.llen(`bull:${queue}:wait`), redis.zcard(`bull:${queue}:prioritized`)]);
  return wait + prioritized;
}

/**
 * One `status all` against an idle bot with no worker: the Redis commands and bot CPU it takes before the ack (per-host
 * work shows as thousands of commands at 1,000 hosts; a request-level job as a handful), and what it left queued.
 */
export async function acceptProbe(ctx: BotContext, redis: Redis): Promise<AcceptProbe> {
  const c0 = await commandCalls(redis);
  const cpu0 = cpuMs(ctx.botPid);
  const ack = await slash(ctx, 'status all');
  const c1 = await commandCalls(redis);
  const cpu1 = cpuMs(ctx.botPid);
  if (ack.requestId === undefined) throw new Error(`status all not accepted: ${ack.status} ${ack.body.slice(0, 200)}`);
  // The idle window: as long as the ack took, right after the follow-ups settled.
  await new Promise((r) => setTimeout(r, 2000));
  const j0 = await commandCalls(redis);
  await new Promise((r) => setTimeout(r, Math.max(1, ack.ms)));
  const j1 = await commandCalls(redis);
  return {
    ackMs: ack.ms,
    // Each INFO is itself one command.
    redisCallsToAck: c1 - c0 - 1,
    redisCallsIdle: j1 - j0 - 1,
    botCpuMs: cpu1 - cpu0,
    waiting: {
      [QUEUE_NAME]: await waitingJobs(redis, QUEUE_NAME),
      [FANOUT_QUEUE_NAME]: await waitingJobs(redis, FANOUT_QUEUE_NAME),
    },
  };
}
