/**
 * A fan-out of 1,000 hosts on the Slack side, on real parts but no SSH: the bot runtime (event consumer, PacedChat,
 * button pipeline) on a real Redis request store, Bolt over signed HTTP, the Slack stand-in (which validates blocks).
 * 1,000 synthetic job.result events stand in for the workers. The thread must stay readable: progress edits of the
 * parent, one table message that pages, only failures as replies, a handful of Slack calls; duplicates change nothing.
 */
import { Redis } from 'ioredis';
import { parseConfig } from '../../config/load-config';
import { createLogger } from '../../src/adapters/logger';
import { keys } from '../../src/adapters/redis/keys';
import { RedisJobEvents } from '../../src/adapters/redis/redis-job-events';
import { createSlackApp } from '../../src/adapters/slack/create-slack-app';
import { SlackChat } from '../../src/adapters/slack/slack-chat';
import { startBotRuntime, type BotRuntime } from '../../src/app/bot-runtime';
import { hostJobId } from '../../src/core/jobs/host-jobs';
import { TABLE_ACTIONS } from '../../src/core/fan-out/table-actions';
import type { Outcome, VerbResult } from '../../src/core/verb-result';
import type { JobEvent } from '../../src/ports/job-queue-port';
import type { RequestRecord } from '../../src/ports/request-store-port';
import { renderParentOf } from '../../src/presentation/request-parent';
import { endFanOutEarly } from '../../src/bot/deliver-fan-out';
import { allocatePorts } from '../support/free-port';
import { redisUrlForDb } from '../support/queue-harness';
import { startChatTransport, type ChatTransport } from '../support/slack/chat-transport';
import { renderBlocks } from '../support/slack/render-blocks';
import { startSlackStandin, type SlackStandin } from '../support/slack/slack-standin';
import type { SlackMessage } from '../support/slack/standin-types';

const DB = 36;
const SECRET = 'fan-out-table-secret';
const CHANNEL = 'C0OPS0001';
const OPERATOR = 'U0OPER001';
/** Not in the user list: paging is for anyone in the channel. */
const STRANGER = 'U0STRANGE';
const HOSTS = 1000;

/** edge-0001 … edge-1000: every 33rd failed, every 50th unreachable (unknown), the rest ok on one of two versions. */
function outcomeOf(i: number): Outcome {
  if (i % 50 === 0) return 'unknown';
  if (i % 33 === 0) return 'failed';
  return 'ok';
}

function resultOf(i: number): VerbResult {
  const host = `edge-${String(i).padStart(4, '0')}`;
  const outcome = outcomeOf(i);
  const version = i % 10 === 0 ? '5.0.213' : '6.0.184';
  const up = { state: 'running' as const, pid: 1000 + i, apiUp: true, version, uptimeSeconds: 3600 };
  const down = { state: outcome === 'failed' ? ('stopped' as const) : ('unknown' as const), apiUp: false };
  return {
    v: 1,
    host,
    verb: 'status',
    outcome,
    summary:
      outcome === 'ok'
        ? `running (pid ${1000 + i}), SRS ${version}, up 1h 0m`
        : outcome === 'failed'
          ? 'stopped (no pid file)'
          : 'host not reachable',
    before: outcome === 'ok' ? up : down,
    after: outcome === 'ok' ? up : down,
    evidence: outcome === 'ok' ? [] : [outcome === 'failed' ? 'no pid file at ./objs/srs.pid' : 'connect ETIMEDOUT'],
    exitCode: null,
    durationMs: 40 + (i % 97) * 10,
    output: '',
    ...(outcome === 'unknown' ? { errorCode: 'ssh_unreachable' } : {}),
  };
}

function eventOf(requestId: string, result: VerbResult, at: number): JobEvent {
  const { host, verb } = result;
  return { v: 1, type: 'job.result', requestId, jobId: hostJobId(requestId, host), host, verb, at, worker: 'synthetic', result };
}

async function until(probe: () => Promise<boolean>, label: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function buttonOf(message: SlackMessage, actionId: string): string | undefined {
  for (const block of (message.blocks ?? []) as Array<{ type?: string; elements?: Array<{ action_id?: string; value?: string }> }>) {
    const el = block.type === 'actions' ? block.elements?.find((e) => e.action_id === actionId) : undefined;
    if (el?.value !== undefined) return el.value;
  }
  return undefined;
}

/** The page line of a table message (`page 2 of 20 · hosts 51–100 …`). */
function pageLine(message: SlackMessage | undefined): string {
  return renderBlocks(message?.blocks).find((l) => l.startsWith('page ')) ?? '(no page line)';
}

describe('a fan-out of 1,000 hosts in Slack: progress, one table that pages, failures as replies (real Redis, stand-in)', () => {
  let standin: SlackStandin;
  let transport: ChatTransport;
  let app: ReturnType<typeof createSlackApp>;
  let runtime: BotRuntime;
  let redis: Redis;
  let pressN = 0;

  const config = parseConfig(
    {
      ssh: { user: 'srsops', privateKeyPath: '/nonexistent/key', knownHostsPath: '/nonexistent/known_hosts' },
      slack: { allowedChannels: [CHANNEL], roles: { operator: [OPERATOR] } },
      hosts: [{ name: 'edge-0001', address: '10.0.0.1', groups: ['edges'] }],
    },
    'fan-out table test',
  );

  beforeAll(async () => {
    redis = new Redis(redisUrlForDb(DB));
    await redis.flushdb();
    standin = await startSlackStandin();
    const [port] = (await allocatePorts(1)) as [number];
    transport = await startChatTransport('http', { standin, url: `http://127.0.0.1:${port}/slack/events`, secret: SECRET });
    const logger = createLogger('test');
    const started: { runtime?: BotRuntime } = {};
    app = createSlackApp({
      botToken: standin.token,
      signingSecret: SECRET,
      port,
      slackApiUrl: standin.url,
      botId: standin.identity.botId,
      botUserId: standin.identity.botUserId,
      retries: 0,
      onCommand: () => Promise.reject(new Error('no commands in this test')),
      onAction: (input) => (started.runtime ? started.runtime.onAction(input) : Promise.reject(new Error('not started'))),
      logger,
    });
    runtime = await startBotRuntime({
      config,
      chat: new SlackChat(app.client),
      redisUrl: redisUrlForDb(DB),
      logger,
      consumer: 'fan-out-table',
    });
    started.runtime = runtime;
    await app.start(port);
  }, 30000);

  afterAll(async () => {
    await app.stop();
    await transport.close();
    await runtime.close();
    await standin.close();
    redis.disconnect();
  });

  /** A fan-out's record, stored, and its parent message posted as the accept path does. */
  async function acceptFanOut(requestId: string, hostCount: number): Promise<{ record: RequestRecord; parentTs: string }> {
    const record: RequestRecord = {
      v: 1,
      requestId,
      userId: OPERATOR,
      channelId: CHANNEL,
      kind: 'verb',
      verb: 'status',
      hosts: [],
      fanOut: { target: 'all', hostCount, inventoryDigest: 'synthetic' },
      text: 'status all',
      createdAt: Date.now(),
    };
    await runtime.deps.requests.create(record);
    const parent = await runtime.deps.chat.post(CHANNEL, renderParentOf(record, { state: 'queued' }));
    await runtime.deps.requests.setParent(requestId, parent.ts);
    return { record, parentTs: parent.ts };
  }

  /** Publishes events the way workers do (one stream entry each). */
  async function publish(events: readonly JobEvent[]): Promise<void> {
    const publisher = new RedisJobEvents(redis);
    for (let i = 0; i < events.length; i += 100) await Promise.all(events.slice(i, i + 100).map((e) => publisher.publish(e)));
  }

  /** Every event published so far was read and acknowledged by the bot's consumer group. */
  async function consumed(): Promise<void> {
    const deadline = Date.now() + 30000;
    for (;;) {
      const groups = (await redis.xinfo('GROUPS', keys.events)) as unknown[][];
      const fields = groups[0] ?? [];
      const get = (name: string) => fields[fields.indexOf(name) + 1];
      if (Number(get('pending')) === 0 && Number(get('lag')) === 0) return;
      if (Date.now() > deadline) throw new Error(`events not consumed: ${JSON.stringify(groups)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  function press(message: SlackMessage, actionId: string, user: string): Promise<unknown> {
    const value = buttonOf(message, actionId);
    if (value === undefined) throw new Error(`no ${actionId} on message ${message.ts}: ${renderBlocks(message.blocks).join('\n')}`);
    pressN += 1;
    return transport.interact({
      user: { id: user },
      channel: { id: CHANNEL },
      message: { ts: message.ts, ...(message.thread_ts !== undefined ? { thread_ts: message.thread_ts } : {}) },
      actions: [{ action_id: actionId, value }],
      response_url: standin.responseUrl(`press-${pressN}`, { channel: CHANNEL, user }),
    });
  }

  it('1,000 results: a few progress edits, the summary, ONE table reply that pages, capped failure replies; duplicates change nothing', async () => {
    const requestId = 'r-fanout1-a00001';
    const { parentTs } = await acceptFanOut(requestId, HOSTS);
    const mark = standin.calls.length;
    const results = Array.from({ length: HOSTS }, (_, i) => resultOf(i + 1));
    const started = Date.now();
    await publish(results.map((r, i) => eventOf(requestId, r, started + i)));

    const failures = results.filter((r) => r.outcome !== 'ok').length;
    const thread = await standin.waitFor(
      (s) => {
        const parent = s.message(CHANNEL, parentTs);
        const replies = s.thread(CHANNEL, parentTs);
        return parent?.text.includes(': done') && replies.length >= 2 ? replies : undefined;
      },
      60000,
      'summary, table and failure replies',
    );
    await consumed();
    await until(async () => (await runtime.deps.requests.head(requestId))?.done === true, 'request done');
    const calls = standin.calls.slice(mark);
    const posts = calls.filter((c) => c.method === 'chat.postMessage');
    const edits = calls.filter((c) => c.method === 'chat.update');
    const rendered = standin.renderThread(CHANNEL, parentTs);

    console.log(
      `${HOSTS} hosts: ${calls.length} Slack calls (${posts.length} posts, ${edits.length} edits) in ${Date.now() - started} ms\n${rendered}`,
    );

    const parent = standin.message(CHANNEL, parentTs);
    expect(parent?.text).toContain(`asked for *status* on all (1,000 hosts): done: ${HOSTS - failures} ok, 30 failed, 20 unknown in`);
    expect(parent?.edits.some((e) => /running: [\d,]+ of 1,000 answered/.test(e.text))).toBe(true);
    expect(edits.length).toBeLessThanOrEqual(1 + 20); // progress (at most one per 50 results, coalesced) and the summary
    expect(calls.every((c) => c.status === 200)).toBe(true);

    const [table, ...failureReplies] = thread;
    expect(renderBlocks(table?.blocks)).toContain(`*1,000 of 1,000 hosts answered*: ${HOSTS - failures} ok, 30 failed, 20 unknown`);
    expect(pageLine(table)).toMatch(/^page 1 of 20 · hosts 1–50 of 1,000, failures first, then by name · request/);
    expect(thread.filter((m) => (m.blocks ?? []).some((b) => (b as { type: string }).type === 'actions'))).toHaveLength(1);
    expect(failureReplies.length).toBeGreaterThanOrEqual(1);
    expect(failureReplies.length).toBeLessThanOrEqual(3);
    const failureText = failureReplies.map((m) => m.text).join('\n');
    expect(failureText).toContain('*edge-0033* status failed');
    expect(failureText).not.toMatch(/status ok/);
    expect(posts.length).toBe(thread.length);
    expect(calls.length).toBeLessThanOrEqual(25);

    // Paging: anyone in the channel; the message pressed is edited in place.
    await press(table as SlackMessage, TABLE_ACTIONS.next, STRANGER);
    await standin.waitFor((s) => pageLine(s.message(CHANNEL, table?.ts ?? '')).startsWith('page 2 of 20'), 10000, 'page 2');
    const page2 = standin.message(CHANNEL, table?.ts ?? '') as SlackMessage;
    expect(renderBlocks(page2.blocks).find((l) => l.startsWith(':white_check_mark:'))).toContain('*edge-0001* ok');
    await press(page2, TABLE_ACTIONS.prev, OPERATOR);
    await standin.waitFor((s) => pageLine(s.message(CHANNEL, table?.ts ?? '')).startsWith('page 1 of 20'), 10000, 'back to page 1');
    const first = standin.message(CHANNEL, table?.ts ?? '') as SlackMessage;
    expect(renderBlocks(first.blocks).filter((l) => l.startsWith(':x:') || l.startsWith(':grey_question:'))).toHaveLength(failures);
    expect(standin.thread(CHANNEL, parentTs)).toHaveLength(thread.length);

    // Every result delivered again: nothing more in Slack.
    const before = standin.calls.filter((c) => c.method.startsWith('chat.')).length;
    await publish(results.map((r, i) => eventOf(requestId, r, started + i)));
    await consumed();
    await new Promise((r) => setTimeout(r, 2500)); // an edit held by the pacing would land by now
    expect(standin.calls.filter((c) => c.method.startsWith('chat.')).length).toBe(before);
    expect(standin.thread(CHANNEL, parentTs)).toHaveLength(thread.length);
  }, 120000);

  it('a press on a table whose request expired answers clearly, and changes nothing', async () => {
    const requestId = 'r-fanout2-a00002';
    const { parentTs } = await acceptFanOut(requestId, 60);
    await publish(Array.from({ length: 60 }, (_, i) => eventOf(requestId, resultOf(i + 1), Date.now())));
    const [table] = await standin.waitFor(
      (s) => (s.thread(CHANNEL, parentTs).length >= 1 ? s.thread(CHANNEL, parentTs) : undefined),
      30000,
    );
    expect(pageLine(table)).toMatch(/^page 1 of 2 · hosts 1–50 of 60, failures first/);
    await redis.del(keys.request(requestId)); // what a week's TTL does
    const edits = table?.edits.length;
    await press(table as SlackMessage, TABLE_ACTIONS.next, STRANGER);
    const answer = await standin.waitFor(
      (s) => s.ephemerals(STRANGER).find((e) => e.text.includes(requestId)),
      10000,
      'the expired answer',
    );
    expect(answer.text).toBe(
      `The results of request ${requestId} are no longer kept (requests expire after a week); the table cannot page. Run the command again for fresh results.`,
    );
    expect(standin.message(CHANNEL, table?.ts ?? '')?.edits.length).toBe(edits);
  }, 60000);

  it('a listed fan-out (8 hosts): progress and the table too, and a confirmation card still comes for a host that asks', async () => {
    const requestId = 'r-fanout3-a00003';
    const hosts = Array.from({ length: 8 }, (_, i) => `edge-${String(i + 1).padStart(4, '0')}`);
    const record: RequestRecord = {
      v: 1,
      requestId,
      userId: OPERATOR,
      channelId: CHANNEL,
      verb: 'grace',
      hosts,
      text: 'grace edges',
      createdAt: Date.now(),
    };
    await runtime.deps.requests.create(record);
    const parent = await runtime.deps.chat.post(CHANNEL, renderParentOf(record, { state: 'queued' }));
    await runtime.deps.requests.setParent(requestId, parent.ts);
    const results = hosts.map((host, i): VerbResult => {
      const r = { ...resultOf(i + 1), host, verb: 'grace' as const, outcome: 'ok' as Outcome };
      return i === 2
        ? { ...r, outcome: 'refused', summary: 'SRS 5.0 does not drain: confirm to quit', errorCode: 'confirmation_required' }
        : r;
    });
    await publish(results.map((r) => eventOf(requestId, r, Date.now())));
    const thread = await standin.waitFor((s) => {
      const replies = s.thread(CHANNEL, parent.ts);
      return replies.some((m) => buttonOf(m, 'srs_grace_confirm') !== undefined) ? replies : undefined;
    }, 30000);
    expect(renderBlocks(thread[0]?.blocks)).toContain('*8 of 8 hosts answered*: 7 ok, 1 refused');
    expect(thread[1]?.text).toContain('*edge-0003* grace refused');
    expect(thread).toHaveLength(3);
  }, 60000);

  it('a fan-out that ends early (its expansion failed) finishes once the results it still waits for are in, once', async () => {
    const requestId = 'r-fanout4-a00004';
    const { record, parentTs } = await acceptFanOut(requestId, 100);
    await publish(Array.from({ length: 40 }, (_, i) => eventOf(requestId, resultOf(i + 1), Date.now())));
    await consumed();
    const note = '50 hosts not run: the inventory snapshot is gone';
    await Promise.all([
      endFanOutEarly(runtime.deps, record, parentTs, { expected: 50, note }),
      endFanOutEarly(runtime.deps, record, parentTs, { expected: 50, note }),
    ]);
    expect(standin.thread(CHANNEL, parentTs)).toHaveLength(0); // 10 of the 50 host jobs queued have not answered yet
    await publish(Array.from({ length: 10 }, (_, i) => eventOf(requestId, resultOf(i + 41), Date.now())));
    await consumed();
    await until(async () => (await runtime.deps.requests.head(requestId))?.done === true, 'request done');
    const parent = standin.message(CHANNEL, parentTs);
    expect(parent?.text).toContain(`on all (100 hosts): done: 48 ok, 1 failed, 1 unknown · ${note} in`);
    const thread = standin.thread(CHANNEL, parentTs);
    expect(renderBlocks(thread[0]?.blocks)).toContain('*50 of 100 hosts answered*: 48 ok, 1 failed, 1 unknown, 50 pending');
    expect(thread).toHaveLength(2); // the table, and one reply for edge-0033 and edge-0050
    await endFanOutEarly(runtime.deps, record, parentTs, { expected: 50, note });
    expect(standin.thread(CHANNEL, parentTs)).toHaveLength(2);
  }, 60000);
});
