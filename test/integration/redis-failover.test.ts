import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { FANOUT_QUEUE_NAME } from '../../src/adapters/redis/keys';
import { connectRedis, workerConnection } from '../../src/adapters/redis/redis-connection';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';
import { RedisFailoverLog } from '../../src/adapters/redis/redis-failover-log';
import type { AuditRecord } from '../../src/ports/audit-port';
import { CHANNEL, startBotHarness, type BotHarness } from '../support/bot-harness';
import type { FleetHost } from '../support/fleet';
import { startSentinelSet, type SentinelSet } from '../support/redis-sentinel-set';
import type { SlackMessage } from '../support/slack/standin-types';
import { claimHosts, releaseHosts } from '../support/test-run';
import { workerPool } from '../support/worker-process';
import { connectClient } from '../srs-sim/media-client';

/** The database on this file's own Redis (primary, replica, Sentinels started here, not the shared Redis). */
const DB = 61;
const FAILOVER_LINE = /Redis failed over at \d\d:\d\d:\d\d UTC \(127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+\) while this ran/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis fails over (real primary, replica and 3 Sentinels) under a fan-out and a drain: nothing lost or run twice', () => {
  let set: SentinelSet;
  let hosts: FleetHost[];
  let b: BotHarness;
  let url: string;
  const workers = workerPool();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-failover-'));
  const names = (n: number) => Array.from({ length: n }, (_, i) => `edge-${i + 1}`);

  beforeAll(async () => {
    set = await startSentinelSet({ dir });
    url = `${set.url(DB)}?waitReplicas=1&waitTimeoutMs=500`;
    hosts = await claimHosts(10, { serviceManager: 'initd', version: '6.0.184' });
    const rename = Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`]));
    b = await startBotHarness(
      hosts,
      DB,
      { rename, extra: { grace: { deadlineMs: 15000, pollMs: 400 }, worker: { lockDurationMs: 8000, stalledIntervalMs: 2000 } } },
      { workers: 0, redisUrl: url },
    );
    await Promise.all([workers.start(b.config, url, 'fo-1'), workers.start(b.config, url, 'fo-2')]);
  }, 90_000);
  afterAll(async () => {
    await workers.stopAll();
    await b?.close();
    releaseHosts(hosts ?? []);
    await set?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const audit = async (requestId: string): Promise<AuditRecord[]> => {
    const conn = connectRedis(url, {});
    try {
      return await new RedisAuditStore(conn).query({ requestId, types: ['job.result', 'job.started'] });
    } finally {
      conn.disconnect();
    }
  };
  /** What the workers did about the failover: answers written again until confirmed, jobs not run again, answers left unconfirmed. */
  const workerNotes = (): string => {
    const out = workers.all.map((w) => w.output()).join('\n');
    const count = (re: RegExp) => (out.match(re) ?? []).length;
    return (
      `workers: answers written again ${count(/job answer not confirmed on the replicas; again/g)}, ` +
      `jobs answered from their mark ${count(/not run again/g)}, answers unconfirmed ${count(/job answered, but not confirmed/g)}, ` +
      `job.result appends tried again ${count(/job result not on record yet; again/g)}`
    );
  };
  /** A wait that, on timeout, adds what the workers logged about Redis (the cause is usually there). */
  const withWorkerLogs = <T>(p: Promise<T>): Promise<T> =>
    p.catch((err: Error) => {
      const logs = workers.all.map((w) =>
        w
          .output()
          .split('\n')
          .filter((l) => /READONLY|UNBLOCKED|redis|stalled|"level":(40|50)/i.test(l))
          .slice(-10)
          .map((l) => l.slice(0, 300))
          .join('\n'),
      );
      throw new Error(`${err.message.slice(0, 400)}\nworker log (Redis, warnings):\n${logs.join('\n---\n')}`);
    });
  const parentOf = (id: string) => b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000);
  /** Sends a command; the request id when it was accepted, undefined when the bot refused it (Redis switching). */
  const refusals: string[] = [];
  /** The fan-outs accepted by the first test: later, still the only ones BullMQ knows (the sweeper queued no refused one). */
  const fanOutsAccepted: string[] = [];
  const fanOutJobs = async (): Promise<string[]> => {
    const conn = workerConnection(url);
    const fanOuts = new Queue(FANOUT_QUEUE_NAME, { connection: conn });
    const jobs = await fanOuts.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized']).finally(async () => {
      await fanOuts.close();
      conn.disconnect();
    });
    return jobs.map((j) => String((j.data as { requestId?: string }).requestId)).sort();
  };
  const accept = async (text: string): Promise<string | undefined> => {
    const body = (await b.slash(text)).body;
    const id = /request (r-[a-z0-9]+-[a-f0-9]+)/.exec(body)?.[1];
    if (id === undefined) refusals.push(body || '(no ack within 3 s)');
    return id;
  };
  /** Sends the command until the bot accepts it; the request id and how long that took. */
  const acceptSoon = async (text: string): Promise<{ id: string; ms: number }> => {
    const started = Date.now();
    for (;;) {
      const id = await accept(text);
      if (id !== undefined) return { id, ms: Date.now() - started };
      if (Date.now() - started > 30_000) throw new Error(`not accepted within 30 s: ${refusals.slice(-3).join(' | ')}`);
      await sleep(100);
    }
  };

  /** The thread of a request once it ends: its parent done and, for a fan-out, its table posted (the bot posts it after the summary). */
  const ended = (id: string, fanOut: boolean, timeoutMs: number) =>
    b.standin.waitFor(
      (s) => {
        const parent = s.messages(CHANNEL).find((m) => m.text.includes(id));
        if (!parent || !parent.text.includes(': done')) return undefined;
        const replies = s.thread(CHANNEL, parent.ts);
        return !fanOut || replies.some(isTable) ? { parent, replies } : undefined;
      },
      timeoutMs,
      `request ${id} ended (parent done${fanOut ? ', table posted' : ''})`,
    );
  /** The failover line of a thread, once it is there (the bot posts it after the results); undefined after `timeoutMs`. */
  const failoverLine = (id: string, timeoutMs: number) =>
    b.standin
      .waitFor((s) => {
        const parent = s.messages(CHANNEL).find((m) => m.text.includes(id));
        return parent ? s.thread(CHANNEL, parent.ts).find((m) => FAILOVER_LINE.test(m.text)) : undefined;
      }, timeoutMs)
      .catch(() => undefined);
  const isTable = (m: SlackMessage) => m.text.startsWith(':bar_chart: *status*');
  /** How many rows of the thread's table(s) name the host (`:white_check_mark: *edge-3* ok: …`). */
  const tableRows = (replies: SlackMessage[], host: string) =>
    replies
      .filter(isTable)
      .flatMap((m) => m.text.split('\n'))
      .filter((line) => new RegExp(`^:[a-z_]+: \\*${host}\\* `).test(line)).length;

  it('SENTINEL FAILOVER in the middle of fan-outs (status on 10 hosts, 4 requests): each answered once per host, threads say so', async () => {
    const all = names(10);
    const before = await Promise.all([accept('status all'), accept('status all')]);
    await sleep(150);
    const switched = set.failover();
    const during = await accept('status all'); // may be refused while the primary switches: then it is not accepted
    const fo = await switched;
    const after = await acceptSoon('status all');
    const accepted = [...before, during, after.id].filter((id): id is string => id !== undefined);
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    // A refused command is told so at once, in its ack (within Slack's 3 s): the queue, never a "queued".
    for (const body of refusals) expect(body).toMatch(/queue|Redis/i);
    const twiceAudit: string[] = [];
    const lostAudit: string[] = [];
    for (const id of accepted) {
      // Each host's four jobs run one after another, each confirming its answer for up to 5 s while the new primary
      // has no replica yet (~10-15 s): on a loaded machine the last ones end well after a minute.
      const { parent, replies } = await withWorkerLogs(ended(id, true, 150_000));
      expect(`${id}: ${parent.text}`).toMatch(/done: 10 ok/);
      // ONE table message, one row per host (no host missing, none twice).
      expect(replies.filter(isTable)).toHaveLength(1);
      for (const host of all) expect({ id, host, rows: tableRows(replies, host) }).toEqual({ id, host, rows: 1 });
      // The audit log: every host's job.result exactly once (the job's answer is confirmed on the replica before
      // BullMQ completes it, a job handed out again answers from its mark, the record is appended once).
      const records = await audit(id);
      for (const host of all) {
        const n = records.filter((r) => r.type === 'job.result' && r.host === host).length;
        if (n === 0) lostAudit.push(`${id}/${host}`);
        if (n > 1) twiceAudit.push(`${id}/${host}`);
      }
    }
    // The requests accepted before the switch ran through it: their threads say so (once), with the primaries.
    for (const id of before.filter((x): x is string => x !== undefined)) {
      const line = await failoverLine(id, 15_000);
      expect(`${id}: ${line?.text ?? 'no failover line within 15 s'}`).toContain(`(${fo.from} → ${fo.to})`);
    }
    const spanned: string[] = [];
    for (const id of accepted) {
      const { replies } = await ended(id, true, 1000);
      const lines = replies.filter((r) => FAILOVER_LINE.test(r.text));
      expect({ id, lines: lines.length }).toEqual({ id, lines: lines.length > 0 ? 1 : 0 });
      if (lines.length > 0) spanned.push(id);
    }
    // A refused command queued nothing: every request-level job BullMQ knows is one of an accepted request.
    expect(await fanOutJobs()).toEqual([...accepted].sort());
    fanOutsAccepted.push(...accepted);
    console.log(
      `failover (SENTINEL FAILOVER) ${fo.from} → ${fo.to} in ${fo.ms} ms; accepted again ${after.ms} ms after the switch; ` +
        `threads: ${spanned.length}/${accepted.length} say so; audit job.result lost: ${lostAudit.length}, twice: ${twiceAudit.length}; ` +
        `refused meanwhile: ${refusals.length}: ${refusals.slice(0, 1).join(' | ').slice(0, 300)}; ${workerNotes()}`,
    );
    expect({ lost: lostAudit, twice: twiceAudit }).toEqual({ lost: [], twice: [] });
  }, 400_000);

  it('primary SIGKILLed in the middle of a drain (grace with viewers): SIGQUIT sent once, the thread says what happened', async () => {
    const h = hosts[9] as FleetHost;
    await set.synced(); // the demoted primary of the first test is the replica again
    await Promise.all([4000, 7000, 10000].map((ms) => connectClient({ port: h.ports.rtmp, kind: 'play', leaveAfterMs: ms })));
    const id = await accept('grace edge-10');
    expect(id).toBeDefined();
    const parent = await parentOf(id as string);
    await b.standin
      .waitFor(() => b.standin.thread(CHANNEL, parent.ts).find((m) => m.text.includes('listeners closed')), 20_000)
      .catch((err: Error) => {
        const logs = workers.all.map((w) =>
          w
            .output()
            .split('\n')
            .filter((l) => /"level":(40|50)/.test(l))
            .slice(-8)
            .join('\n'),
        );
        throw new Error(`${err.message.slice(0, 300)}\nworker warnings:\n${logs.join('\n---\n')}`);
      });
    const fo = await set.killPrimary();
    const { parent: done } = await b.finished(id as string, 120_000);
    expect(done.text).toMatch(/done: 1 ok/);
    // The failover line comes after the result (the bot posts it once the request ended).
    const line = await failoverLine(id as string, 15_000);
    const replies = b.standin.thread(CHANNEL, done.ts);
    const texts = replies.map((r) => r.text).join('\n');
    expect(texts).toMatch(/grace ok: drained and exited/);
    const quits = fs.readFileSync(h.logFile, 'utf8').match(/sig=3, user start gracefully quit/g) ?? [];
    expect(quits).toHaveLength(1);
    const conn = connectRedis(url, {});
    const recorded = await new RedisFailoverLog(conn).failoversBetween(0, Date.now()).finally(() => conn.disconnect());
    // Recorded once in Redis (whoever heard it first), whatever the thread says.
    expect(recorded.filter((r) => r.from === fo.from && r.to === fo.to)).toHaveLength(1);
    expect(replies.filter((r) => /grace ok/.test(r.text))).toHaveLength(1);
    expect(replies.filter((r) => FAILOVER_LINE.test(r.text))).toHaveLength(1);
    expect(line?.text).toContain(`(${fo.from} → ${fo.to})`);
    const results = (await audit(id as string)).filter((r) => r.type === 'job.result' && r.host === 'edge-10');
    console.log(
      `failover (primary SIGKILL) ${fo.from} → ${fo.to} in ${fo.ms} ms; audit job.result: ${results.length}; thread: ${line?.text}; ${workerNotes()}`,
    );
    expect(results).toHaveLength(1);
    // More than 30 s after the first test's refusals, the sweeper has looked at their records: none was queued.
    expect(await fanOutJobs()).toEqual([...fanOutsAccepted].sort());
  }, 180_000);
});
