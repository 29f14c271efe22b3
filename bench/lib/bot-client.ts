import type { ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';
import { keys } from '../../src/adapters/redis/keys';
import type { JobEvent } from '../../src/ports/job-queue-port';
import type { RequestRecord } from '../../src/ports/request-store-port';
import { postSigned, slashCommandBody } from '../../test/support/slack/sign-request';
import type { SlackStandin } from '../../test/support/slack/slack-standin';
import type { RecordedCall } from '../../test/support/slack/standin-types';
import type { ParentToWorker, WorkerToParent } from '../worker-process';
import { nextMessage, spawnTs, stopChild } from './child';
import { cpuMs, memoryKb, RssSampler } from './proc';

export const SECRET = 'bench-signing-secret';
export const USER = 'U0BENCH01';
export const CHANNEL = 'C0BENCH01';

/** The bot's side of the benchmark: the stand-in, the bot's URL, and Redis to read the event stream. */
export interface BotContext {
  standin: SlackStandin;
  url: string;
  botPid: number;
  redis: Redis;
  dir: string;
}

export interface Ack {
  t0: number;
  ms: number;
  status: number;
  requestId: string | undefined;
  body: string;
}

let responseSeq = 0;

/** One signed `/srs TEXT` into the bot's HTTP endpoint; `ms` is the HTTP answer time. */
export async function slash(ctx: BotContext, text: string): Promise<Ack> {
  responseSeq += 1;
  const body = slashCommandBody({
    text,
    user_id: USER,
    channel_id: CHANNEL,
    response_url: ctx.standin.responseUrl(`bench-${responseSeq}`),
  });
  const t0 = Date.now();
  const res = await postSigned(ctx.url, body, { secret: SECRET, timeoutMs: 30_000 });
  const m = /request (r-[a-z0-9]+-[a-f0-9]+)/.exec(res.body);
  return { t0, ms: res.ms, status: res.status, requestId: m?.[1], body: res.body };
}

function textOf(call: RecordedCall): string {
  const t = call.args.text;
  return typeof t === 'string' ? t : '';
}

/** Times (stand-in arrival) of the request's parent post and of its final summary edit; polls every 5 ms. */
export async function waitDone(
  standin: SlackStandin,
  requestIds: readonly string[],
  timeoutMs: number,
): Promise<Map<string, { parentAt: number; doneAt: number; text: string }>> {
  const found = new Map<string, { parentAt: number; doneAt: number; text: string }>();
  const parents = new Map<string, number>();
  const wanted = new Set(requestIds);
  const deadline = Date.now() + timeoutMs;
  let scanned = 0;
  for (let i = 0; i < 1_000_000; i += 1) {
    const calls = standin.calls;
    for (; scanned < calls.length; scanned += 1) {
      const c = calls[scanned] as RecordedCall;
      if (c.method !== 'chat.update' && c.method !== 'chat.postMessage') continue;
      const text = textOf(c);
      const m = /request `?(r-[a-z0-9]+-[a-f0-9]+)/.exec(text);
      const id = m?.[1];
      if (id === undefined || !wanted.has(id)) continue;
      if (c.method === 'chat.postMessage' && c.args.thread_ts === undefined && !parents.has(id)) parents.set(id, c.time);
      if (c.method === 'chat.update' && text.includes(': done') && !found.has(id))
        found.set(id, { parentAt: parents.get(id) ?? Number.NaN, doneAt: c.time, text });
    }
    if (found.size === wanted.size) return found;
    if (Date.now() > deadline)
      throw new Error(
        `requests not finished within ${timeoutMs} ms: ${[...wanted]
          .filter((id) => !found.has(id))
          .slice(0, 5)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('waitDone: loop bound reached');
}

/** The job events of some requests (stream entries since `sinceMs`). */
export async function eventsOf(redis: Redis, requestIds: ReadonlySet<string>, sinceMs: number): Promise<JobEvent[]> {
  const entries = await redis.xrange(keys.events, String(Math.max(0, sinceMs - 2000)), '+');
  const out: JobEvent[] = [];
  for (const [, fields] of entries) {
    const i = fields.indexOf('event');
    const raw = i >= 0 ? fields[i + 1] : undefined;
    if (raw === undefined) continue;
    const e = JSON.parse(raw) as JobEvent;
    if (requestIds.has(e.requestId)) out.push(e);
  }
  return out;
}

/** `createdAt` of a request (the same `now` the bot put in every HostJob.enqueuedAt). */
export async function createdAtOf(redis: Redis, requestId: string): Promise<number> {
  const meta = await redis.hget(keys.request(requestId), 'meta');
  return meta === null ? Number.NaN : (JSON.parse(meta) as RequestRecord).createdAt;
}

/** A bench worker process (bench/worker-process.ts) with its memory sampled. */
export class WorkerHandle {
  readonly sampler: RssSampler;
  readonly idleRssKb: number;

  private constructor(
    readonly id: string,
    readonly child: ChildProcess,
    readonly pid: number,
  ) {
    this.idleRssKb = memoryKb(pid)?.rssKb ?? Number.NaN;
    this.sampler = new RssSampler(pid, 20);
  }

  static async start(o: {
    id: string;
    configPath: string;
    redisUrl: string;
    logPath: string;
    nodeArgs?: readonly string[];
  }): Promise<WorkerHandle> {
    const env = {
      ...process.env,
      SRS_CHATOPS_CONFIG: o.configPath,
      REDIS_URL: o.redisUrl,
      WORKER_ID: o.id,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    const child = spawnTs('bench/worker-process.ts', [], env, o.logPath, o.nodeArgs ?? []);
    try {
      const pid = await nextMessage(
        child,
        (m) => ((m as WorkerToParent).type === 'ready' ? (m as { pid: number }).pid : undefined),
        90_000,
        `worker ${o.id} ready`,
      );
      return new WorkerHandle(o.id, child, pid);
    } catch (err) {
      await stopChild(child, 2000);
      throw err;
    }
  }

  cpuMs(): number {
    return cpuMs(this.pid);
  }

  /** Command lines sent since the last flush: [host, time]. */
  async flush(): Promise<Array<[string, number]>> {
    const answer = nextMessage(
      this.child,
      (m) => ((m as WorkerToParent).type === 'commands' ? (m as { commands: Array<[string, number]> }).commands : undefined),
      10_000,
      `worker ${this.id} flush`,
    );
    const msg: ParentToWorker = { type: 'flush' };
    this.child.send(msg);
    return answer;
  }

  /** The worker's event-loop delay since the last call (ms; the first call covers the time since its start). */
  async loopDelay(): Promise<{ p99Ms: number; maxMs: number }> {
    const answer = nextMessage(
      this.child,
      (m) => {
        const w = m as WorkerToParent;
        return w.type === 'loop' ? { p99Ms: w.p99Ms, maxMs: w.maxMs } : undefined;
      },
      10_000,
      `worker ${this.id} loop delay`,
    );
    const msg: ParentToWorker = { type: 'loop' };
    this.child.send(msg);
    return answer;
  }

  async stop(): Promise<{ maxRssKb: number; hwmKb: number }> {
    this.sampler.stop();
    await stopChild(this.child, 15_000);
    return { maxRssKb: this.sampler.maxRssKb, hwmKb: this.sampler.hwmKb };
  }
}
