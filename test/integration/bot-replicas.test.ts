import fs from 'node:fs';
import { Redis } from 'ioredis';
import { parseConfig } from '../../config/load-config';
import type { Config } from '../../config/schema';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';
import type { AuditRecord } from '../../src/ports/audit-port';
import { connectClient } from '../srs-sim/media-client';
import { CHANNEL, requestIdOf, SECRET, USERS } from '../support/bot-harness';
import { spawnBot, type BotProcess } from '../support/bot-process';
import type { FleetHost } from '../support/fleet';
import { allocatePorts } from '../support/free-port';
import { startChatTransport, type ChatTransport } from '../support/slack/chat-transport';
import { startSlackStandin, type SlackStandin } from '../support/slack/slack-standin';
import type { RecordedCall, SlackMessage } from '../support/slack/standin-types';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { pidAlive } from '../support/worker-harness';
import { spawnWorker, workerReady, type WorkerProcess } from '../support/worker-process';

const DB = 32;
const LEASE_TTL_MS = 3000;
const FAN_OUT = 12;
const APPROVAL_EXPIRE_MS = 10000; // the schema's least
const APPROVER = 'U0APPR001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two real bot processes (one in Socket Mode, one in HTTP mode) and two real workers on one Redis, against the Slack
 * stand-ins: a bot SIGKILLed mid-fan-out and mid-drain loses and duplicates nothing; Slack pacing is shared; the
 * sweeper lease moves to the survivor.
 */
describe('bot replicas: 2 bots (Socket Mode + HTTP), 2 workers, SIGKILL of either bot (real processes)', () => {
  let hosts: FleetHost[];
  let standin: SlackStandin;
  let config: Config;
  let socket: ChatTransport;
  let http: ChatTransport;
  const bots: BotProcess[] = [];
  const workers: WorkerProcess[] = [];
  const redisUrl = `${getTestRun().redisUrl}/${DB}`;
  const name = (i: number) => `edge-${i + 1}`;
  const host = (i: number) => hosts[i] as FleetHost;

  const startBot = async (transport: 'socket' | 'http'): Promise<BotProcess> => {
    const [port] = (await allocatePorts(1)) as [number];
    const bot = spawnBot(config, { redisUrl, standin, port, transport, env: { SRS_CHATOPS_LEASE_TTL_MS: String(LEASE_TTL_MS) } });
    bots.push(bot);
    await waitForLog(bot, 'bot started', 30000);
    return bot;
  };

  beforeAll(async () => {
    hosts = await claimHosts(FAN_OUT + 1, { serviceManager: 'initd', version: '6.0.184' });
    standin = await startSlackStandin();
    const rename = Object.fromEntries(hosts.map((h, i) => [h.name, name(i)]));
    config = parseConfig(
      getTestRun().fleet.toConfigObject({
        hostNames: hosts.map((h) => h.name),
        rename,
        // The grace host is also gated: its `restart` waits for an approval that nobody gives (the sweeper expires it).
        hostExtra: { [host(FAN_OUT).name]: { groups: ['gate'] } },
        extra: {
          approvals: { expireMs: APPROVAL_EXPIRE_MS, approvers: { all: [APPROVER] }, gated: [{ verb: 'restart', groups: ['gate'] }] },
          grace: { deadlineMs: 30000, pollMs: 400, killMarginMs: 1000 },
          slack: { allowedChannels: [CHANNEL], roles: { operator: [USERS.operator] } },
        },
      }),
      'bot replicas test',
    );
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    redis.disconnect();
    for (const id of ['rep-w1', 'rep-w2']) workers.push(spawnWorker(config, redisUrl, id));
    for (const w of workers) await workerReady(w);
    socket = await startChatTransport('socket', { standin, url: '', secret: SECRET });
    await startBot('socket'); // first: it takes the sweeper lease
    const h = await startBot('http');
    http = await startChatTransport('http', { standin, url: h.url, secret: SECRET });
    await socket.started();
  }, 120000);

  afterAll(async () => {
    for (const b of bots) await b.stop();
    for (const w of workers) await w.kill('SIGTERM');
    await socket?.close();
    await standin?.close();
    for (const h of hosts ?? []) await getTestRun().fleet.resetHost(h.name);
    releaseHosts(hosts);
  });

  const slash = async (via: ChatTransport, text: string): Promise<string> => {
    const ack = await via.slash({
      text,
      user_id: USERS.operator,
      channel_id: CHANNEL,
      response_url: standin.responseUrl(`r${Date.now()}`),
    });
    return requestIdOf(ack);
  };
  const parentOf = (id: string) => standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000, `parent of ${id}`);
  const finished = (id: string, timeoutMs = 60000) =>
    standin.waitFor(
      (s) => {
        const parent = s.messages(CHANNEL).find((m) => m.text.includes(id));
        return parent?.text.includes(': done') === true ? { parent, replies: s.thread(CHANNEL, parent.ts) } : undefined;
      },
      timeoutMs,
      `request ${id} finished`,
    );
  const audit = async (requestId: string): Promise<AuditRecord[]> => {
    const conn = new Redis(redisUrl);
    try {
      return await new RedisAuditStore(conn).query({ requestId, limit: 1000 });
    } finally {
      conn.disconnect();
    }
  };
  /** Per host: how many records of `type` the request's audit has. */
  const perHost = (records: AuditRecord[], type: string): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const r of records.filter((x) => x.type === type)) counts[r.host ?? '?'] = (counts[r.host ?? '?'] ?? 0) + 1;
    return counts;
  };
  const once = (names: string[]): Record<string, number> => Object.fromEntries(names.map((n): [string, number] => [n, 1]));
  const mentions = (replies: SlackMessage[], n: string) => replies.filter((m) => new RegExp(`\\b${n}\\b(?!\\d)`).test(m.text)).length;
  const noDuplicatePosts = (replies: SlackMessage[]) => {
    const texts = replies.map((m) => m.text);
    expect(texts.filter((t, i) => texts.indexOf(t) !== i)).toEqual([]);
  };

  it("(c) pacing is shared: both replicas posting to one channel together stay within one replica's limits", async () => {
    const since = Date.now();
    // Three 3-host requests through each replica at once: 6 parents and 18 per-host replies in one channel.
    const texts = [0, 3, 6].map((i) => `status ${name(i)},${name(i + 1)},${name(i + 2)}`);
    const ids = await Promise.all([...texts.map((t) => slash(http, t)), ...texts.map((t) => slash(socket, t))]);
    for (const id of ids) {
      const { replies } = await finished(id, 90000);
      noDuplicatePosts(replies);
    }
    const posts = standin.callsTo('chat.postMessage').filter((c) => c.time >= since && c.args.channel === CHANNEL);
    report('pacing', posts);
    expect(posts.length).toBeGreaterThanOrEqual(24);
    // One replica may: a burst of 5, then 1 a second (GCRA). Arrival times jitter a little: one call of slack.
    for (const windowMs of [1000, 2000, 5000, 10000]) expect(maxInWindow(posts, windowMs)).toBeLessThanOrEqual(5 + windowMs / 1000 + 1);
    // 24 posts at once take at least 19 s at one replica's rate; two replicas pacing apart would take about half that.
    const spanMs = (posts.at(-1)?.time ?? 0) - (posts[0]?.time ?? 0);
    expect(spanMs).toBeGreaterThanOrEqual((posts.length - 6) * 1000 - 500);
    // Both replicas answered commands (each posted its parents) and delivered events.
    for (const b of bots) expect(b.output()).toContain('"msg":"request queued"');
  }, 150000);

  it('(b) SIGKILL of the Socket Mode bot mid-drain: the HTTP bot finishes the thread, once; the sweeper lease moves to it', async () => {
    const [s, h] = bots as [BotProcess, BotProcess];
    expect(s.output()).toContain('lease taken: this replica runs it');
    expect(h.output()).not.toContain('lease taken: this replica runs it');
    const target = host(FAN_OUT);
    const pid = Number(fs.readFileSync(target.pidFile, 'utf8').trim());
    await Promise.all([5000, 7000].map((ms) => connectClient({ port: target.ports.rtmp, kind: 'play', leaveAfterMs: ms })));
    const id = await slash(socket, `grace ${name(FAN_OUT)}`);
    const parent = await parentOf(id);
    // The milestone's own reply (the status board says "listeners closed" too, a moment earlier).
    const milestone = (m: SlackMessage) => m.text.startsWith(':no_entry:') && m.text.includes('listeners closed');
    await standin.waitFor(() => standin.thread(CHANNEL, parent.ts).find(milestone), 20000, 'listeners closed');
    const killedAt = Date.now();
    s.child.kill('SIGKILL');
    await s.exited;
    const { parent: done, replies } = await finished(id, 60000);
    const texts = replies.map((r) => r.text);
    report('drain thread', { killedAt: new Date(killedAt).toISOString(), parent: done.text, replies: texts });
    for (const milestone of ['listeners closed', 'drained: every client left', 'grace ok: drained and exited'])
      expect(texts.filter((t) => t.includes(milestone))).toHaveLength(1);
    noDuplicatePosts(replies);
    // request.done is recorded right after the parent's last edit.
    await waitForAudit(
      () => audit(id),
      (r) => r.some((x) => x.type === 'request.done'),
      10000,
    );
    const records = await audit(id);
    expect(perHost(records, 'job.result')).toEqual(once([name(FAN_OUT)]));
    expect(perHost(records, 'job.started')).toEqual(once([name(FAN_OUT)]));
    expect(records.filter((r) => r.type === 'request.done')).toHaveLength(1);
    expect(pidAlive(pid)).toBe(false);
    // The survivor takes the sweeper lease within about its TTL.
    const took = await waitForLog(h, 'lease taken: this replica runs it', LEASE_TTL_MS + 3000);
    report('lease moved to the HTTP bot after SIGKILL, ms', took - killedAt);
    expect(took - killedAt).toBeLessThanOrEqual(LEASE_TTL_MS + LEASE_TTL_MS / 3 + 500);
  }, 120000);

  it('(a) SIGKILL of the HTTP bot mid-fan-out: a new Socket Mode bot finishes it, one table, one result per host', async () => {
    const [, h] = bots as [BotProcess, BotProcess];
    const s2 = await startBot('socket');
    await socket.started();
    const frozen = host(FAN_OUT - 1);
    await getTestRun().fleet.freezeHost(frozen.name); // its status waits for the SSH banner: the fan-out stays open
    // A gated request its approval will never come for: the sweeper (the lease holder) expires it.
    const gated = await slash(http, `restart ${name(FAN_OUT)}`);
    const gatedParent = await parentOf(gated);
    const targets = hosts.slice(0, FAN_OUT).map((_, i) => name(i));
    const id = await slash(http, `status ${targets.join(',')}`);
    await parentOf(id);
    await waitForAudit(
      () => audit(id),
      (r) => r.filter((x) => x.type === 'job.result').length >= FAN_OUT - 1,
      30000,
    );
    const killedAt = Date.now();
    h.child.kill('SIGKILL');
    await h.exited;
    await getTestRun().fleet.thawHost(frozen.name);
    const { parent } = await finished(id, 60000);
    // The table follows the summary edit (its posts are paced): wait for every host, then a moment for duplicates.
    await standin.waitFor(
      () => (targets.every((n) => mentions(standin.thread(CHANNEL, parent.ts), n) > 0) ? true : undefined),
      30000,
      'every host in the table',
    );
    await sleep(3000);
    const replies = standin.thread(CHANNEL, parent.ts);
    report('fan-out thread', { killedAt: new Date(killedAt).toISOString(), parent: parent.text, replies: replies.map((r) => r.text) });
    expect(parent.text).toMatch(/: done/);
    // One table, naming every host once; the hosts that need a look (edge-12, frozen) once more at most, as a reply.
    const tables = replies.filter((m) => m.text.startsWith(':bar_chart:'));
    expect(tables).toHaveLength(1);
    for (const n of targets) expect(mentions(tables, n)).toBe(1);
    const others = replies.filter((m) => !tables.includes(m));
    for (const n of targets) expect(mentions(others, n)).toBeLessThanOrEqual(1);
    noDuplicatePosts(replies);
    await waitForAudit(
      () => audit(id),
      (r) => r.some((x) => x.type === 'request.done'),
      10000,
    );
    const records = await audit(id);
    expect(perHost(records, 'job.result')).toEqual(once(targets));
    expect(perHost(records, 'job.started')).toEqual(once(targets));
    expect(records.filter((r) => r.type === 'request.done')).toHaveLength(1);
    const took = await waitForLog(s2, 'lease taken: this replica runs it', LEASE_TTL_MS + 3000);
    report('lease moved to the new Socket Mode bot after SIGKILL, ms', took - killedAt);
    expect(took - killedAt).toBeLessThanOrEqual(LEASE_TTL_MS + LEASE_TTL_MS / 3 + 500);
    // The survivor sweeps: the approval killed with its holder's lease expires on time (sweeps every 5 s), once.
    await standin.waitFor(
      () => (/expired unapproved/.test(standin.message(CHANNEL, gatedParent.ts)?.text ?? '') ? true : undefined),
      30000,
      'expired',
    );
    await waitForAudit(
      () => audit(gated),
      (r) => r.some((x) => x.type === 'approval.expired'),
      10000,
    );
    const approval = await audit(gated);
    const at = (type: string) => Date.parse(approval.find((r) => r.type === type)?.at ?? '');
    report('approval expired after, ms', at('approval.expired') - at('approval.requested'));
    expect(approval.filter((r) => r.type === 'approval.expired')).toHaveLength(1);
    expect(at('approval.expired') - at('approval.requested')).toBeLessThanOrEqual(APPROVAL_EXPIRE_MS + 5000 + 2000);
    expect(approval.filter((r) => r.type === 'job.started')).toHaveLength(0);
  }, 150000);
});

/** Prints what the closing note reports (threads, numbers). */
function report(what: string, value: unknown): void {
  if (Array.isArray(value)) {
    const calls = value as RecordedCall[];
    const t0 = calls[0]?.time ?? 0;
    process.stdout.write(
      `${what}: ${calls.length} chat.postMessage in ${((calls.at(-1)?.time ?? t0) - t0) / 1000}s; max in 1s ${maxInWindow(calls, 1000)}, in 5s ${maxInWindow(calls, 5000)}, in 10s ${maxInWindow(calls, 10000)}; offsets ms ${calls.map((c) => c.time - t0).join(' ')}\n`,
    );
    return;
  }
  process.stdout.write(`${what}: ${JSON.stringify(value, null, 1)}\n`);
}

/** The most calls whose arrival falls within any `windowMs` span. */
function maxInWindow(calls: readonly RecordedCall[], windowMs: number): number {
  const t = calls.map((c) => c.time).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while ((t[j] ?? 0) - (t[i] ?? 0) >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** Waits for the bot's log line with `msg`; resolves with its time (pino's epoch ms). */
async function waitForLog(bot: BotProcess, msg: string, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const line = bot
      .output()
      .split('\n')
      .find((l) => l.includes(`"msg":"${msg}"`));
    if (line !== undefined) return (JSON.parse(line) as { time: number }).time;
    if (Date.now() > end) throw new Error(`no "${msg}" log line within ${timeoutMs} ms:\n${bot.output().slice(-3000)}`);
    await sleep(100);
  }
}

async function waitForAudit(read: () => Promise<AuditRecord[]>, ok: (r: AuditRecord[]) => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const records = await read();
    if (ok(records)) return;
    if (Date.now() > end)
      throw new Error(`audit not as expected within ${timeoutMs} ms: ${records.map((r) => `${r.type} ${r.host ?? ''}`).join(', ')}`);
    await sleep(200);
  }
}
