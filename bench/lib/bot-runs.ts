import { keys } from '../../src/adapters/redis/keys';
import type { JobEvent } from '../../src/ports/job-queue-port';
import { cpuMs, foreignCpu, machineBusyMs } from './proc';
import { createdAtOf, eventsOf, slash, waitDone, type BotContext, type WorkerHandle } from './bot-client';

/** One `/srs status all` through the whole chat path, with its breakdown. Times are ms from sending the command. */
export interface BotRun {
  label: string;
  hosts: number;
  requestId: string;
  ackMs: number;
  /** Signed command sent -> final summary edit arrives at the Slack stand-in. */
  e2eMs: number;
  /** -> the request's parent message arrives at the stand-in. */
  parentMs: number;
  /** -> first / last `job.started` event (worker picked the job and holds the host). */
  firstStartMs: number;
  lastStartMs: number;
  /** -> last `job.result` event (all host work done). */
  lastResultMs: number;
  ok: number;
  total: number;
  /** Results per worker id (from the events' `worker` field). */
  byWorker: Record<string, number>;
  /** Results that are not `ok`, by `outcome/errorCode`, with one summary each. */
  notOk: Record<string, { count: number; example: string }>;
  /** Per job: enqueue (HostJob.enqueuedAt) -> `job.started`. */
  queueToStartMs: number[];
  /** Per job: enqueue -> first SSH command line sent for the host (SshHost onCommand). */
  queueToCommandMs: number[];
  workerCpuMs: number;
  botCpuMs: number;
  /** Busy CPU time of the whole machine (all cores) from the command until every result was in, ms. */
  machineCpuMs?: number;
  /** Of that, other users' processes (a shared machine), ms. */
  foreignCpuMs?: number;
  summary: string;
}

function byType<T extends JobEvent['type']>(events: readonly JobEvent[], type: T): Array<Extract<JobEvent, { type: T }>> {
  return events.filter((e): e is Extract<JobEvent, { type: T }> => e.type === type);
}

/**
 * Polls the event stream (every 20 ms, reading only entries added since the last poll, so the bench itself stays
 * cheap) until `expected` results of the requests exist; returns the `at` of the last one.
 */
export async function waitResults(
  redis: BotContext['redis'],
  requestIds: readonly string[],
  expected: number,
  sinceMs: number,
  timeoutMs: number,
): Promise<number> {
  const ids = new Set(requestIds);
  const deadline = Date.now() + timeoutMs;
  let from = String(Math.max(0, sinceMs - 2000));
  let count = 0;
  let last = 0;
  for (let i = 0; i < 1_000_000; i += 1) {
    const entries = await redis.xrange(keys.events, from, '+', 'COUNT', 2000);
    for (const [id, fields] of entries) {
      from = `(${id}`;
      const k = fields.indexOf('event');
      const raw = k >= 0 ? fields[k + 1] : undefined;
      if (raw === undefined || !raw.includes('"job.result"')) continue;
      const e = JSON.parse(raw) as JobEvent;
      if (e.type !== 'job.result' || !ids.has(e.requestId)) continue;
      count += 1;
      last = Math.max(last, e.at);
    }
    if (count >= expected) return last;
    if (entries.length === 2000) continue;
    if (Date.now() > deadline) throw new Error(`${count}/${expected} results within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('waitResults: loop bound reached');
}

/**
 * Sends `/srs status all` (or `text`, on `hosts` hosts) and measures it; workers must be running. With `waitSummary`, until the final summary edit
 * arrives at the stand-in (what the user sees); otherwise until every host's result is in the event stream (the
 * summary edit is then not waited for: `e2eMs` is NaN, and the caller resets the bot's delivery backlog).
 */
export async function botStatusAll(
  ctx: BotContext,
  workers: readonly WorkerHandle[],
  label: string,
  hosts: number,
  timeoutMs: number,
  waitSummary: boolean,
  text = 'status all',
): Promise<BotRun> {
  const cpu0 = workers.map((w) => w.cpuMs());
  const botCpu0 = cpuMs(ctx.botPid);
  const machine0 = machineBusyMs();
  const foreign0 = foreignCpu().foreignMs();
  const ack = await slash(ctx, text);
  if (ack.status !== 200 || ack.requestId === undefined) throw new Error(`${text} not accepted: ${ack.status} ${ack.body.slice(0, 300)}`);
  const requestId = ack.requestId;
  await waitResults(ctx.redis, [requestId], hosts, ack.t0, timeoutMs);
  const workerCpuMs = workers.reduce((s, w, i) => s + (w.cpuMs() - (cpu0[i] ?? 0)), 0);
  const machineCpuMs = machineBusyMs() - machine0;
  const foreignCpuMs = foreignCpu().foreignMs() - foreign0;
  let d: { parentAt: number; doneAt: number; text: string };
  if (waitSummary) {
    const done = await waitDone(ctx.standin, [requestId], timeoutMs);
    const found = done.get(requestId);
    if (!found) throw new Error('unreachable: waitDone resolved without the request');
    d = found;
  } else {
    const parent = ctx.standin.calls.find(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === undefined &&
        typeof c.args.text === 'string' &&
        c.args.text.includes(requestId),
    );
    d = { parentAt: parent?.time ?? Number.NaN, doneAt: Number.NaN, text: '(summary not waited for)' };
  }
  const botCpuMs = cpuMs(ctx.botPid) - botCpu0;
  const events = await eventsOf(ctx.redis, new Set([requestId]), ack.t0);
  const createdAt = await createdAtOf(ctx.redis, requestId);
  const commands = (await Promise.all(workers.map((w) => w.flush()))).flat();
  const firstCommand = new Map<string, number>();
  for (const [host, at] of commands) {
    if (at < createdAt) continue;
    const prev = firstCommand.get(host);
    if (prev === undefined || at < prev) firstCommand.set(host, at);
  }
  const started = byType(events, 'job.started');
  const results = byType(events, 'job.result');
  const byWorker: Record<string, number> = {};
  for (const r of results) byWorker[r.worker] = (byWorker[r.worker] ?? 0) + 1;
  const notOk: BotRun['notOk'] = {};
  for (const r of results) {
    if (r.result.outcome === 'ok') continue;
    const key = `${r.result.outcome}/${r.result.errorCode ?? '-'}`;
    const entry = (notOk[key] ??= { count: 0, example: `${r.host}: ${r.result.summary.slice(0, 160)}` });
    entry.count += 1;
  }
  const startTimes = started.map((e) => e.at);
  return {
    label,
    hosts,
    requestId,
    ackMs: ack.ms,
    e2eMs: d.doneAt - ack.t0,
    parentMs: d.parentAt - ack.t0,
    firstStartMs: Math.min(...startTimes) - ack.t0,
    lastStartMs: Math.max(...startTimes) - ack.t0,
    lastResultMs: Math.max(...results.map((e) => e.at)) - ack.t0,
    ok: results.filter((r) => r.result.outcome === 'ok').length,
    total: results.length,
    byWorker,
    notOk,
    queueToStartMs: started.map((e) => e.at - createdAt),
    queueToCommandMs: [...firstCommand.values()].map((at) => at - createdAt),
    workerCpuMs,
    botCpuMs,
    machineCpuMs,
    foreignCpuMs,
    summary: (/done: ([^·]*)/.exec(d.text)?.[1] ?? d.text).trim().slice(0, 120),
  };
}

/** Result of a burst of concurrent signed commands. */
export interface AckBurst {
  label: string;
  commands: number;
  ackMs: number[];
  statuses: number[];
  /** First command sent -> the last host result of the burst (worker side; thread delivery not waited for). */
  drainMs: number;
  jobs: number;
  requestIds: string[];
}

/**
 * Sends `texts` all at once (one connection each, as Slack does), records each HTTP answer time, then waits until
 * every job of the burst has its result in the event stream (`jobsPerCommand` each).
 */
export async function ackBurst(
  ctx: BotContext,
  label: string,
  texts: readonly string[],
  jobsPerCommand: number,
  timeoutMs: number,
): Promise<AckBurst> {
  const t0 = Date.now();
  const acks = await Promise.all(texts.map((t) => slash(ctx, t)));
  const ids = acks.map((a) => a.requestId).filter((id): id is string => id !== undefined);
  if (ids.length !== texts.length) {
    const bad = acks.find((a) => a.requestId === undefined);
    throw new Error(
      `${texts.length - ids.length} commands of the burst not accepted: ${bad?.status ?? '?'} ${bad?.body.slice(0, 200) ?? ''}`,
    );
  }
  const last = jobsPerCommand > 0 ? await waitResults(ctx.redis, ids, ids.length * jobsPerCommand, t0, timeoutMs) : t0;
  return {
    label,
    commands: texts.length,
    ackMs: acks.map((a) => a.ms),
    statuses: acks.map((a) => a.status),
    drainMs: last - t0,
    jobs: ids.length * jobsPerCommand,
    requestIds: ids,
  };
}
