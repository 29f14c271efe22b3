import type { JobEvent } from '../../src/ports/job-queue-port';
import { keys } from '../../src/adapters/redis/keys';
import type { RecordedCall } from '../../test/support/slack/standin-types';
import { eventsOf, slash, type BotContext, type WorkerHandle } from './bot-client';
import { waitResults } from './bot-runs';
import { cpuMs, machineBusyMs, memoryKb } from './proc';

/** Slack calls of one run, from the stand-in's records. */
export interface SlackCalls {
  byMethod: Record<string, number>;
  /** Answered 429. */
  rateLimited: number;
  /** Most chat.postMessage calls to one channel within any 1 s, and within any 60 s. */
  postPeak1s: number;
  postPeak60s: number;
  /** Most chat.update calls within any 60 s (Tier 3: 50+ per minute). */
  updatePeak60s: number;
}

/** One `status all` on the fleet, times in ms from sending the signed command. */
export interface FanoutRun {
  label: string;
  workers: number;
  requestId: string;
  ackMs: number;
  /** HTTP status of the ack (404: Bolt's answer when the command was not acknowledged within 2.9 s). */
  ackStatus: number;
  /** The ephemeral answer's first line. */
  ackText: string;
  /** The request's parent message reached the stand-in. */
  parentMs: number;
  /** The last host's `job.result` in the event stream. */
  resultsInMs: number;
  /** The final summary edit (`chat.update` of the parent with `: done`) reached the stand-in. */
  summaryMs: number;
  /** The bot marked the request delivered (every post of the request made); NaN if not within the timeout. */
  deliveredMs: number;
  results: number;
  ok: number;
  notOk: Record<string, { count: number; example: string }>;
  byWorker: Record<string, number>;
  botCpuMs: number;
  workerCpuMs: number;
  /** The stand-in fleet's processes (ssh2 servers). */
  fleetCpuMs: number;
  /** This process (the bench's polling and the Slack stand-in). */
  benchCpuMs?: number;
  /** The stand-in processes' event-loop delay during the run, worst of them (ms): how long a handshake could wait on them. */
  standinLoop?: { p99Ms: number; maxMs: number };
  /** The workers' event-loop delay during the run, worst of them (ms): their side of every handshake waits on it. */
  workerLoop?: { p99Ms: number; maxMs: number };
  /** The redis-server process. */
  redisCpuMs: number;
  machineCpuMs: number;
  /** The bot's VmHWM after the run (its peak since it started). */
  botHwmKb: number;
  slack: SlackCalls;
}

function peak(times: readonly number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi += 1) {
    while ((t[hi] as number) - (t[lo] as number) >= windowMs) lo += 1;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export function slackCalls(calls: readonly RecordedCall[]): SlackCalls {
  const byMethod: Record<string, number> = {};
  const posts = new Map<string, number[]>();
  const updates: number[] = [];
  let rateLimited = 0;
  for (const c of calls) {
    byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
    if (c.outcome === 'rate_limited') rateLimited += 1;
    if (c.method === 'chat.postMessage') {
      const ch = typeof c.args.channel === 'string' ? c.args.channel : '?';
      posts.set(ch, [...(posts.get(ch) ?? []), c.time]);
    }
    if (c.method === 'chat.update') updates.push(c.time);
  }
  const perChannel = [...posts.values()];
  return {
    byMethod,
    rateLimited,
    postPeak1s: Math.max(0, ...perChannel.map((t) => peak(t, 1000))),
    postPeak60s: Math.max(0, ...perChannel.map((t) => peak(t, 60_000))),
    updatePeak60s: peak(updates, 60_000),
  };
}

/** Polls until the request is marked delivered (its `done` field); returns that time, or NaN after `timeoutMs`. */
async function waitDelivered(ctx: BotContext, requestId: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const done = await ctx.redis.hget(keys.request(requestId), 'done');
    if (done !== null) return Number(done);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number.NaN;
}

function summaryAt(calls: readonly RecordedCall[], requestId: string): { parentAt: number; summaryAt: number } {
  let parentAt = Number.NaN;
  let last = Number.NaN;
  for (const c of calls) {
    const text = typeof c.args.text === 'string' ? c.args.text : '';
    if (!text.includes(requestId)) continue;
    if (c.method === 'chat.postMessage' && c.args.thread_ts === undefined && Number.isNaN(parentAt)) parentAt = c.time;
    if (c.method === 'chat.update' && text.includes(': done') && Number.isNaN(last)) last = c.time;
  }
  return { parentAt, summaryAt: last };
}

async function parentRequestId(ctx: BotContext, since: number, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const c of ctx.standin.calls) {
      if (c.time < since || c.method !== 'chat.postMessage' || c.args.thread_ts !== undefined) continue;
      const m = /request `?(r-[a-z0-9]+-[a-f0-9]+)/.exec(typeof c.args.text === 'string' ? c.args.text : '');
      if (m?.[1] !== undefined) return m[1];
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

/**
 * `status all` through the bot's HTTP endpoint with `workers` running: the ack, every host's result, the summary
 * edit and the request's delivery. The stand-in should hold no other request's calls (reset before).
 */
export async function fanoutRun(
  ctx: BotContext,
  workers: readonly WorkerHandle[],
  o: { label: string; hosts: number; timeoutMs: number; deliverTimeoutMs: number; redisPid: number; fleetCpuMs: () => number },
): Promise<FanoutRun> {
  const f0 = o.fleetCpuMs();
  const w0 = workers.map((w) => w.cpuMs());
  const bot0 = cpuMs(ctx.botPid);
  const self0 = process.cpuUsage();
  const m0 = machineBusyMs();
  const r0 = cpuMs(o.redisPid);
  const ack = await slash(ctx, 'status all');
  // A slow accept gets Bolt's 404 after 2.9 s (Slack shows the user a timeout) while the request may still be queued:
  // then its id is read from the parent message it posts.
  const requestId = ack.requestId ?? (await parentRequestId(ctx, ack.t0, 60_000));
  if (requestId === undefined) throw new Error(`status all not accepted: ${ack.status} ${ack.body.slice(0, 300)}`);
  const last = await waitResults(ctx.redis, [requestId], o.hosts, ack.t0, o.timeoutMs);
  const workerCpuMs = workers.reduce((s, w, i) => s + (w.cpuMs() - (w0[i] ?? 0)), 0);
  const self = process.cpuUsage(self0);
  const machineCpuMs = machineBusyMs() - m0;
  const redisCpuMs = cpuMs(o.redisPid) - r0;
  const fleetCpuMs = o.fleetCpuMs() - f0;
  const delivered = await waitDelivered(ctx, requestId, o.deliverTimeoutMs);
  const calls = ctx.standin.calls.filter((c) => c.time >= ack.t0);
  const s = summaryAt(calls, requestId);
  const events = await eventsOf(ctx.redis, new Set([requestId]), ack.t0);
  const results = events.filter((e): e is Extract<JobEvent, { type: 'job.result' }> => e.type === 'job.result');
  const notOk: FanoutRun['notOk'] = {};
  const byWorker: Record<string, number> = {};
  for (const r of results) {
    byWorker[r.worker] = (byWorker[r.worker] ?? 0) + 1;
    if (r.result.outcome === 'ok') continue;
    const entry = (notOk[`${r.result.outcome}/${r.result.errorCode ?? '-'}`] ??= {
      count: 0,
      example: `${r.host}: ${r.result.summary.slice(0, 160)}`,
    });
    entry.count += 1;
  }
  return {
    label: o.label,
    workers: workers.length,
    requestId,
    ackMs: ack.ms,
    ackStatus: ack.status,
    ackText: ack.body.slice(0, 200),
    parentMs: s.parentAt - ack.t0,
    resultsInMs: last - ack.t0,
    summaryMs: s.summaryAt - ack.t0,
    deliveredMs: delivered - ack.t0,
    results: results.length,
    ok: results.filter((r) => r.result.outcome === 'ok').length,
    notOk,
    byWorker,
    botCpuMs: cpuMs(ctx.botPid) - bot0,
    workerCpuMs,
    fleetCpuMs,
    benchCpuMs: (self.user + self.system) / 1000,
    redisCpuMs,
    machineCpuMs,
    botHwmKb: memoryKb(ctx.botPid)?.hwmKb ?? Number.NaN,
    slack: slackCalls(calls),
  };
}
