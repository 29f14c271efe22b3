import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { loadConfigWithSource } from '../../config/load-config';
import { createLogger } from '../../src/adapters/logger';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';
import { startBotRuntime, type BotRuntime } from '../../src/app/bot-runtime';
import { runAudit } from '../../src/cli/audit/run-audit';
import type { ChatPort } from '../../src/ports/chat-port';
import type { AuditQuery, AuditRecord } from '../../src/ports/audit-port';
import { spawnBot } from '../support/bot-process';
import type { FleetHost } from '../support/fleet';
import { allocatePorts } from '../support/free-port';
import { redisUrlForDb, startWorkers } from '../support/queue-harness';
import { startSlackStandin } from '../support/slack/slack-standin';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { sleep, waitUntil } from '../support/wait-until';
import { workerHarness, type WorkerHarness } from '../support/worker-harness';

const DB = 13;
const USER = 'U0OPER001';
const CHANNEL = 'C0OPS0001';

/** A chat that accepts every post (the tests read the audit log and the command replies). */
const quietChat: ChatPort = {
  post: (channel) => Promise.resolve({ channel, ts: `${Date.now()}.${Math.random().toString().slice(2, 8)}` }),
  update: () => Promise.resolve(),
  postEphemeral: () => Promise.resolve(),
};

/** The config document for these hosts (`hostExtra` merged over single hosts' entries). */
function configDoc(hosts: readonly FleetHost[], hostExtra: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  return getTestRun().fleet.toConfigObject({
    hostNames: hosts.map((h) => h.name),
    hostExtra,
    extra: {
      slack: { allowedChannels: [CHANNEL], roles: { admin: [], operator: [USER], viewer: [] } },
      rolling: { parallel: true }, // `restart all --parallel`: every host at once, as a fan-out
    },
  });
}

describe('hot inventory reload during a fan-out (real bot runtime, Redis, workers, sshd)', () => {
  let hosts: FleetHost[];
  let dir: string;
  let configPath: string;
  let runtime: BotRuntime;
  let worker: WorkerHarness;
  let workers: ReturnType<typeof startWorkers> | undefined;
  let redis: Redis;
  const redisUrl = redisUrlForDb(DB);
  const name = (i: number) => hosts[i]?.name ?? 'missing';
  const audit = (q: AuditQuery): Promise<AuditRecord[]> => new RedisAuditStore(redis).query(q);
  const say = async (text: string) => {
    const reply = await runtime.onCommand({ userId: USER, channelId: CHANNEL, text });
    await reply.followUp?.();
    return reply;
  };
  /** The job.result records of a request, once every host answered. */
  const results = async (requestId: string, n: number): Promise<AuditRecord[]> => {
    let found: AuditRecord[] = [];
    await waitUntil(async () => (found = await audit({ requestId, types: ['job.result'], limit: 50 })).length >= n, {
      timeoutMs: 40000,
      intervalMs: 100,
      description: `${n} results of ${requestId}`,
    });
    return found;
  };

  beforeAll(async () => {
    hosts = await claimHosts(4, { serviceManager: 'initd' });
    redis = new Redis(redisUrl);
    await redis.flushdb();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-reload-'));
    configPath = path.join(dir, 'srs-chatops.yml');
    // The bot starts with hosts 0, 1, 2; host 3 is added by the reload.
    fs.writeFileSync(configPath, stringify(configDoc(hosts.slice(0, 3))));
    const env = { SRS_CHATOPS_CONFIG: configPath };
    const { config, source } = loadConfigWithSource(env);
    runtime = await startBotRuntime({
      config,
      source,
      reload: { env, sighup: false, debounceMs: 300 },
      chat: quietChat,
      redisUrl,
      logger: createLogger('test'),
      consumer: `test-${DB}`,
      expirySweepMs: 500,
    });
    // The workers' own file is stale on purpose: host 0 only. Every job carries its host, so it does not matter.
    worker = workerHarness(hosts.slice(0, 1));
  });

  afterAll(async () => {
    await workers?.close();
    await runtime?.close();
    await worker?.close();
    redis?.disconnect();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    releaseHosts(hosts);
  });

  it('jobs in flight across the reload finish with the entries they were accepted with; new commands see the new inventory', async () => {
    const before = runtime.inventory.current();
    const outcomes = (records: AuditRecord[]): Record<string, unknown> =>
      Object.fromEntries(records.map((r) => [r.host ?? '', r.data.outcome]));
    const all = { [name(0)]: 'ok', [name(1)]: 'ok', [name(2)]: 'ok' };
    // The workers' own file knows host 0 only: every job must bring its host with it.
    workers = startWorkers(worker, redisUrl, 1);
    // A restart running on every host at once (a rollout in one batch; a restart settles 2.5 s before it is
    // confirmed), and one queued behind it on each host (one job per host at a time).
    const restart = (await say('restart all --parallel')).requestId ?? '';
    await waitUntil(async () => (await audit({ requestId: restart, types: ['job.started'] })).length === 3, {
      timeoutMs: 20000,
      description: 'the restarts running',
    });
    const status = (await say('status all')).requestId ?? '';
    expect(status).not.toBe('');

    // Mid-way: host 3 added, host 2 removed, host 1 moved to a port where nothing listens (and put in a group).
    const [deadPort] = (await allocatePorts(1)) as [number];
    const rewrittenAt = Date.now();
    fs.writeFileSync(
      configPath,
      stringify(configDoc([hosts[0], hosts[1], hosts[3]] as FleetHost[], { [name(1)]: { port: deadPort, groups: ['moved'] } })),
    );
    let changes: AuditRecord[] = [];
    await waitUntil(async () => (changes = await audit({ types: ['inventory.changed'] })).length > 0, {
      timeoutMs: 10000,
      description: 'inventory.changed',
    });
    const reloadSeq = changes[0]?.seq ?? Infinity;
    expect(runtime.inventory.current().digest).not.toBe(before.digest);

    // The restarts were running when the reload landed, and finished; the queued status jobs started after it. All
    // ran with the entries they were accepted with: host 1 on its old port, host 2 although it is gone now.
    const restarted = await results(restart, 3);
    expect(outcomes(restarted)).toEqual(all);
    expect(restarted.every((r) => r.seq > reloadSeq)).toBe(true);
    expect(outcomes(await results(status, 3))).toEqual(all);
    const started = await audit({ requestId: status, types: ['job.started'] });
    expect(started).toHaveLength(3);
    expect(started.every((r) => r.seq > reloadSeq)).toBe(true);

    await sleep(800); // a second event of the same save, if any, is past its quiet time
    changes = await audit({ types: ['inventory.changed'] });
    expect(changes).toHaveLength(1);
    expect(changes[0]?.data).toMatchObject({
      trigger: 'file',
      source: `the hosts list in ${configPath}`,
      added: [name(3)],
      removed: [name(2)],
      changed: [{ name: name(1), fields: ['groups', 'port'] }],
      oldDigest: before.digest,
      newDigest: runtime.inventory.current().digest,
    });

    // `/srs hosts`: the new inventory, loaded after the rewrite.
    const listed = (await say('hosts')).ephemeral.text;
    expect(listed).toContain(name(3));
    expect(listed).not.toContain(name(2));
    expect(listed).toContain(`Inventory: the hosts list in ${configPath}`);
    const loaded = /Loaded (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC \(\d+s ago\), digest `([0-9a-f]{12})`/.exec(listed);
    expect(loaded?.[2]).toBe(runtime.inventory.current().digest.slice(0, 12));
    expect(Date.parse(`${loaded?.[1] ?? ''}Z`)).toBeGreaterThanOrEqual(Math.floor(rewrittenAt / 1000) * 1000);

    // New commands use the new inventory: the removed host is unknown, the added one works, the moved one is tried
    // on its new (dead) port.
    expect((await say(`status ${name(2)}`)).ephemeral.text).toMatch(/^:warning: .*unknown host/i);
    const added = await say(`status ${name(3)}`);
    expect((await results(added.requestId ?? '', 1))[0]?.data.outcome).toBe('ok');
    const moved = await say(`status ${name(1)}`);
    expect((await results(moved.requestId ?? '', 1))[0]?.data.outcome).not.toBe('ok');
  });

  it('an invalid file keeps the inventory in use, records inventory.reload_failed, and /srs hosts says so', async () => {
    const kept = runtime.inventory.current();
    fs.writeFileSync(configPath, stringify({ ...configDoc([hosts[0]] as FleetHost[], { [name(0)]: { port: 'twenty-two' } }) }));
    let failed: AuditRecord[] = [];
    await waitUntil(async () => (failed = await audit({ types: ['inventory.reload_failed'] })).length > 0, {
      timeoutMs: 10000,
      description: 'inventory.reload_failed',
    });
    expect(failed[0]?.data).toMatchObject({ trigger: 'file', keptDigest: kept.digest });
    expect(String(failed[0]?.data.reason)).toMatch(/invalid configuration in .*srs-chatops\.yml[\s\S]*port/);
    expect(runtime.inventory.current()).toBe(kept);
    const listed = (await say('hosts')).ephemeral.text;
    expect(listed).toContain(name(3)); // still the inventory before the bad save
    expect(listed).toMatch(
      /:warning: The last reload failed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+s ago\); the inventory above is still in use/,
    );
    expect(listed).toContain('port');
    const still = await say(`status ${name(3)}`);
    expect((await results(still.requestId ?? '', 1))[0]?.data.outcome).toBe('ok');
    expect(await audit({ types: ['inventory.changed'] })).toHaveLength(1);
  });

  it('a real bot process reloads on SIGHUP (its file watch turned off): inventory.changed with trigger sighup', async () => {
    const file = path.join(dir, 'bot-process.yml');
    fs.writeFileSync(file, stringify(configDoc(hosts.slice(0, 2))));
    const standin = await startSlackStandin();
    const [port] = (await allocatePorts(1)) as [number];
    const bot = spawnBot(loadConfigWithSource({ SRS_CHATOPS_CONFIG: file }).config, {
      redisUrl,
      standin,
      port,
      env: { SRS_CHATOPS_CONFIG: file, SRS_CHATOPS_WATCH: 'off' },
    });
    try {
      await waitUntil(() => bot.output().includes('"msg":"bot started"'), { timeoutMs: 30000, description: 'bot started' });
      const sighups = async () => (await audit({ types: ['inventory.changed'] })).filter((r) => r.data.trigger === 'sighup');
      fs.writeFileSync(file, stringify(configDoc([hosts[0], hosts[3]] as FleetHost[])));
      await sleep(1200);
      expect(await sighups()).toHaveLength(0); // not watched: the save alone reloads nothing
      bot.child.kill('SIGHUP');
      let found: AuditRecord[] = [];
      await waitUntil(async () => (found = await sighups()).length > 0, { timeoutMs: 10000, description: 'a SIGHUP reload' });
      expect(found[0]?.data).toMatchObject({ added: [name(3)], removed: [name(1)], changed: [] });
      expect(found[0]?.actor).toMatch(/^bot:/);
      expect(bot.child.exitCode).toBeNull(); // SIGHUP reloads; it does not end the bot
    } finally {
      await bot.stop();
      await standin.close();
    }
  });

  it('audit verify and audit export take the reload records as any other', async () => {
    const out: string[] = [];
    const io = {
      out: (text: string) => {
        out.push(text);
      },
      err: (text: string) => {
        out.push(text);
      },
    };
    expect(await runAudit(['verify', '--quiet'], { REDIS_URL: redisUrl }, io)).toBe(0);
    out.length = 0;
    expect(await runAudit(['export', '--format', 'jsonl'], { REDIS_URL: redisUrl }, io)).toBe(0);
    const types = out
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types.filter((t) => t === 'inventory.changed')).toHaveLength(2); // the file save, then the SIGHUP
    expect(types.filter((t) => t === 'inventory.reload_failed')).toHaveLength(1);
  });
});
