import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';
import type { AuditRecord } from '../../src/ports/audit-port';
import { CHANNEL, OTHER_CHANNEL, requestIdOf, startBotHarness, USERS, type BotHarness } from '../support/bot-harness';
import type { FleetHost } from '../support/fleet';
import { startRedis, type RedisServer } from '../support/redis-server';
import { claimHosts, releaseHosts } from '../support/test-run';

describe('audit log through the real path', () => {
  let hosts: FleetHost[];
  let old: FleetHost;
  let b: BotHarness;
  let store: RedisAuditStore;
  let redis: Redis;

  beforeAll(async () => {
    hosts = await claimHosts(2, { serviceManager: 'initd', version: '6.0.184' });
    [old] = (await claimHosts(1, { version: '5.0.216' })) as [FleetHost];
    const all = [...hosts, old];
    b = await startBotHarness(all, 9, { rename: Object.fromEntries(all.map((h, i) => [h.name, h === old ? 'old-1' : `edge-${i + 1}`])) });
    redis = new Redis(b.redisUrl);
    store = new RedisAuditStore(redis);
  });
  afterAll(async () => {
    await b.close();
    redis.disconnect();
    releaseHosts([...hosts, old]);
  });

  const ofRequest = async (id: string) =>
    (await store.query({ limit: 100 })).filter((r) => r.requestId === id).sort((x, y) => x.seq - y.seq);

  it('records request, queueing, job start and result (with an output digest), and the thread, for one command', async () => {
    const id = requestIdOf(await b.slash('restart edge-1'));
    const { parent } = await b.finished(id, 30000);
    // request.done is appended right after the summary edit the harness waits for: poll for it.
    let records = await ofRequest(id);
    for (let i = 0; i < 50 && !records.some((r) => r.type === 'request.done'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      records = await ofRequest(id);
    }
    expect(records.map((r) => r.type)).toEqual(['request.received', 'request.queued', 'job.started', 'job.result', 'request.done']);
    const [received, queued, jobStarted, result, done] = records as [AuditRecord, AuditRecord, AuditRecord, AuditRecord, AuditRecord];
    expect(received).toMatchObject({
      actor: USERS.operator,
      channel: CHANNEL,
      verb: 'restart',
      data: { text: 'restart edge-1', command: { kind: 'verb', verb: 'restart', target: 'edge-1' } },
    });
    expect(queued.data).toEqual({ hosts: ['edge-1'] });
    expect(jobStarted).toMatchObject({ host: 'edge-1', data: { requestedBy: USERS.operator } });
    expect(result).toMatchObject({ host: 'edge-1', verb: 'restart', data: { outcome: 'ok', exitCode: 0, stateAfter: 'running' } });
    expect(result.data.outputSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(String(result.data.output)).toMatch(/SRS started\(pid \d+\)/);
    expect(done).toMatchObject({ channel: CHANNEL, data: { threadTs: parent.ts, summary: '1 ok' } });
    for (const r of records) expect(r.correlationId).toBe(id);
    const started = await store.query({ limit: 100, types: ['process.started'] });
    expect(started.some((r) => r.actor.startsWith('bot:') && r.data.kind === 'bot')).toBe(true);
  });

  it('records denials and invalid commands with the reason', async () => {
    await b.slash('stop edge-2', { user: USERS.viewer });
    await b.slash('status edge-2', { channel: OTHER_CHANNEL });
    await b.slash('restrat edge-2');
    const recent = await store.query({ limit: 20, types: ['request.denied', 'request.invalid'] });
    expect(recent.find((r) => r.type === 'request.denied' && r.actor === USERS.viewer)?.data.reason).toMatch(/viewer/);
    expect(recent.find((r) => r.type === 'request.denied' && r.channel === OTHER_CHANNEL)?.data.reason).toMatch(
      /not allowed in this channel/,
    );
    expect(recent.find((r) => r.type === 'request.invalid')?.data.reason).toMatch(/unknown verb `restrat`/);
  });

  it('records a confirmation press, and /srs history shows who, what, the outcome and the thread', async () => {
    const id = requestIdOf(await b.slash('grace old-1', { user: USERS.admin }));
    const first = await b.finished(id, 20000);
    const ask = first.replies.find((r) => r.text.includes('does NOT drain'));
    if (!ask) throw new Error('no confirmation card');
    await b.press(structuredClone(ask), 'srs_grace_cancel', USERS.viewer);
    await b.press(structuredClone(ask), 'srs_grace_cancel', USERS.operator);
    await b.standin.waitFor(
      () => (/cancelled: nothing was sent/.test(b.standin.message(CHANNEL, ask.ts)?.text ?? '') ? true : undefined),
      5000,
    );
    const records = await ofRequest(id);
    expect(records.find((r) => r.type === 'button.denied')).toMatchObject({ actor: USERS.viewer, data: { action: 'srs_grace_cancel' } });
    expect(records.find((r) => r.type === 'button.pressed')).toMatchObject({
      actor: USERS.operator,
      host: 'old-1',
      data: { action: 'srs_grace_cancel' },
    });

    const history = JSON.parse((await b.slash('history edge-1 --limit 5')).body) as { text: string };
    expect(history.text).toMatch(/edge-1/);
    expect(history.text).toMatch(/restart/);
    expect(history.text).toMatch(/<@U0OPER001>/);
    expect(history.text).toMatch(/https:\/\/slack\.com\/archives\/C0OPS0001\/p\d+/);
    const none = JSON.parse((await b.slash('history edge-2 --verb grace')).body) as { text: string };
    expect(none.text).toMatch(/no matching records/);
  });

  it('fails closed: with Redis refusing writes a mutating verb is refused; read-only commands answer, marked degraded', async () => {
    const server: RedisServer = await startRedis({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'audit-oom-')) });
    const h = await startBotHarness(
      [hosts[1] as FleetHost],
      0,
      { rename: { [(hosts[1] as FleetHost).name]: 'edge-9' } },
      { redisUrl: server.url },
    );
    const admin = new Redis(server.url);
    try {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1');
      const stop = JSON.parse((await h.slash('stop edge-9')).body) as { text: string };
      expect(stop.text).toMatch(/audit log cannot be written right now .* no state-changing command runs/);
      const help = JSON.parse((await h.slash('help')).body) as { text: string };
      expect(help.text).toMatch(/Audit degraded/);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
      await h.close();
      await server.stop();
    }
  });
});
