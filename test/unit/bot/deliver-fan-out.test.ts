import { MemoryAuditStore } from '../../../src/adapters/audit/memory-audit-store';
import { createLogger } from '../../../src/adapters/logger';
import type { BotDeps } from '../../../src/bot/bot-deps';
import { deliverFanOutResult, finishFanOut, isFanOut } from '../../../src/bot/deliver-fan-out';
import { orderFanOutResults } from '../../../src/core/fan-out/order-results';
import type { Outcome, VerbResult } from '../../../src/core/verb-result';
import type { ChatMessage } from '../../../src/core/command';
import type { JobEvent } from '../../../src/ports/job-queue-port';
import type { RequestRecord, RequestStorePort } from '../../../src/ports/request-store-port';

const record: RequestRecord = {
  v: 1,
  requestId: 'r-mx51t6mp-b199cb',
  userId: 'U0OPS0001',
  channelId: 'C0OPS0001',
  verb: 'status',
  hosts: [],
  fanOut: { target: 'all', hostCount: 1000, inventoryDigest: 'd' },
  text: 'status all',
  createdAt: 0,
};

/** The request store's rules in memory: results by host, counts, claims once, done once. */
function memoryStore(): Partial<RequestStorePort> & { results: Map<string, VerbResult> } {
  const results = new Map<string, VerbResult>();
  const claims = new Set<string>();
  const posted = new Set<string>();
  let done = false;
  return {
    results,
    head: () => Promise.resolve({ record, parentTs: '1.1', done }),
    saveResult: (_id, r) => Promise.resolve(results.set(r.host, r).size),
    tally: () => {
      const byOutcome: Partial<Record<Outcome, number>> = {};
      for (const r of results.values()) byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + 1;
      return Promise.resolve({ answered: results.size, byOutcome });
    },
    get: () =>
      Promise.resolve({
        record,
        parentTs: '1.1',
        results: orderFanOutResults([...results.values()]),
        posted: new Set(posted),
        done,
        grace: new Map(),
      }),
    claim: (_id, key) => Promise.resolve(!claims.has(key) && Boolean(claims.add(key))),
    unclaim: (_id, key) => Promise.resolve(void claims.delete(key)),
    markPosted: (_id, hosts) => Promise.resolve(void (typeof hosts === 'string' ? [hosts] : hosts).forEach((h) => posted.add(h))),
    markDone: () => Promise.resolve(!done && (done = true)),
  };
}

function resultOf(i: number): VerbResult {
  const outcome: Outcome = i % 100 === 0 ? 'failed' : 'ok';
  const snap = { state: 'running' as const, apiUp: true, version: '6.0.184' };
  return {
    v: 1,
    host: `edge-${i}`,
    verb: 'status',
    outcome,
    summary: outcome,
    before: snap,
    after: snap,
    evidence: [],
    exitCode: null,
    durationMs: 5,
    output: '',
  };
}

function eventOf(r: VerbResult): Extract<JobEvent, { type: 'job.result' }> {
  return {
    v: 1,
    type: 'job.result',
    requestId: record.requestId,
    jobId: `${record.requestId}-${r.host}`,
    host: r.host,
    verb: 'status',
    at: 1,
    worker: 'w',
    result: r,
  };
}

function fixture() {
  const requests = memoryStore();
  const updates: ChatMessage[] = [];
  const posts: ChatMessage[] = [];
  const deps = {
    requests,
    chat: {
      post: (_c: string, m: ChatMessage) => Promise.resolve({ channel: 'C0OPS0001', ts: `2.${posts.push(m)}` }),
      update: (_c: string, _ts: string, m: ChatMessage) => Promise.resolve(void updates.push(m)),
    },
    audit: new MemoryAuditStore(),
    logger: createLogger('test'),
    now: () => 10_000,
  } as unknown as BotDeps;
  return { deps, requests, updates, posts };
}

describe('a fan-out delivered to Slack: progress every 1/20 of the hosts, then one table and the failures', () => {
  it('is any verb request accepted as a fan-out or on more than 5 listed hosts, never a survey or a rollout', () => {
    expect(isFanOut(record)).toBe(true);
    expect(isFanOut({ ...record, fanOut: undefined, hosts: ['a', 'b'] })).toBe(false);
    expect(isFanOut({ ...record, fanOut: undefined, hosts: ['a', 'b', 'c', 'd', 'e', 'f'] })).toBe(true);
    expect(isFanOut({ ...record, kind: 'rollout' })).toBe(false);
  });

  it('1,000 results: 19 progress edits asked for (one per 50 results), the summary, one table, one reply of failures', async () => {
    const f = fixture();
    for (let i = 1; i <= 1000; i++)
      await deliverFanOutResult(f.deps, await f.deps.requests.head(record.requestId).then((h) => h!), eventOf(resultOf(i)));
    await new Promise((r) => setImmediate(r)); // the progress edits are not awaited by the delivery
    const progress = f.updates.filter((m) => m.text.includes('answered'));
    expect(progress).toHaveLength(19);
    expect(progress[0]?.text).toContain('running: 50 of 1,000 answered · request');
    expect(progress[1]?.text).toContain('running: 100 of 1,000 answered · 1 failed');
    expect(f.updates.at(-1)?.text).toContain('done: 990 ok, 10 failed');
    expect(f.posts).toHaveLength(2);
    expect(f.posts[0]?.text).toContain('*1,000 of 1,000 hosts answered*: 990 ok, 10 failed');
    expect(f.posts[1]?.text.split('\n').filter((l) => l.startsWith(':x:'))).toHaveLength(10);
  });

  it('finished twice (a duplicate, another replica): every post once', async () => {
    const f = fixture();
    for (let i = 1; i <= 10; i++) f.requests.results.set(`edge-${i}`, resultOf(i * 100));
    await Promise.all([finishFanOut(f.deps, record, '1.1', { expected: 10 }), finishFanOut(f.deps, record, '1.1', { expected: 10 })]);
    expect(f.posts).toHaveLength(2);
  });

  it('does not finish before `expected` results', async () => {
    const f = fixture();
    f.requests.results.set('edge-1', resultOf(1));
    await finishFanOut(f.deps, record, '1.1', { expected: 2 });
    expect(f.posts).toHaveLength(0);
    expect(f.updates).toHaveLength(0);
  });
});
