import { slash, type BotContext } from './bot-client';
import { cpuMs, memoryKb } from './proc';
import { percentile } from './stats';

/** 50 (or `count`) `status all` sent at once, one connection each, as Slack does. */
export interface FanoutBurst {
  label: string;
  ackMs: number[];
  statuses: number[];
  accepted: number;
  botCpuMs: number;
  botHwmKb: number;
  summary: { p50: number; p99: number; max: number; non200: number; accepted: number };
}

/** Sends the burst and records each HTTP answer; the jobs it queued are not run to the end (the caller flushes). */
export async function fanoutBurst(ctx: BotContext, label: string, count: number): Promise<FanoutBurst> {
  const cpu0 = cpuMs(ctx.botPid);
  const acks = await Promise.all(Array.from({ length: count }, () => slash(ctx, 'status all')));
  const ackMs = acks.map((a) => a.ms);
  const statuses = acks.map((a) => a.status);
  const accepted = acks.filter((a) => a.requestId !== undefined).length;
  // The parent posts and the queue positions follow the acks: let them settle before the bot's CPU and memory are read.
  await new Promise((r) => setTimeout(r, 3000));
  return {
    label,
    ackMs,
    statuses,
    accepted,
    botCpuMs: cpuMs(ctx.botPid) - cpu0,
    botHwmKb: memoryKb(ctx.botPid)?.hwmKb ?? Number.NaN,
    summary: {
      p50: percentile(ackMs, 50),
      p99: percentile(ackMs, 99),
      max: Math.max(...ackMs),
      non200: statuses.filter((st) => st !== 200).length,
      accepted,
    },
  };
}
