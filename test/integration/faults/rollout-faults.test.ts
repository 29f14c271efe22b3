import fs from 'node:fs';
import { Redis } from 'ioredis';
import { keys } from '../../../src/adapters/redis/keys';
import { publishPackage } from '../../srs-sim/install';
import { connectClient, reconnectingClient } from '../../srs-sim/media-client';
import { CHANNEL, requestIdOf, startBotHarness, type BotHarness } from '../../support/bot-harness';
import { recordFault, seeRequests } from '../../support/fault-record';
import type { FleetHost } from '../../support/fleet';
import type { SlackMessage } from '../../support/slack/standin-types';
import { claimHosts, releaseHosts } from '../../support/test-run';
import { workerPool, type WorkerProcess } from '../../support/worker-process';
import { waitUntil } from '../../support/wait-until';

const APPROVER = 'U0APPR001';

describe('faults: a worker killed mid-upgrade, the bot restarted mid-rollout', () => {
  let hosts: FleetHost[];
  let b: BotHarness;
  let redis: Redis;
  const workers = workerPool();

  beforeAll(async () => {
    hosts = await claimHosts(2, { serviceManager: 'initd', version: '6.0.184' });
    for (const h of hosts) for (const v of ['6.0.185', '6.0.186']) publishPackage(h.hostDir, v);
    b = await startBotHarness(
      hosts,
      1,
      {
        rename: Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`])),
        hostExtra: Object.fromEntries(hosts.map((h) => [h.name, { groups: ['edges'] }])),
        extra: {
          worker: { lockDurationMs: 3000, stalledIntervalMs: 1000 },
          approvals: { approvers: { all: [APPROVER] } },
          upgrade: {
            install: ['{root}/../bin/srs-install', '{version}', '--root', '{root}'],
            batchSize: 1,
            healthTimeoutMs: 5000,
            deadlineMs: 60000,
          },
          grace: { pollMs: 300 },
        },
      },
      { workers: 0 },
    );
    redis = new Redis(b.redisUrl);
    await workers.start(b.config, b.redisUrl, 'proc-1');
  });
  afterAll(async () => {
    await workers.stopAll();
    redis.disconnect();
    await b.close();
    releaseHosts(hosts);
  });

  const thread = (parent: SlackMessage) => b.standin.thread(CHANNEL, parent.ts);

  it('worker SIGKILLed mid-drain and the bot restarted: the rollout resumes, SIGQUIT is never sent twice, every host ends upgraded', async () => {
    const h = hosts[0] as FleetHost;
    // A player that leaves 8 s from now holds edge-1's drain long enough to kill the worker in it.
    await connectClient({ port: h.ports.rtmp, kind: 'play', leaveAfterMs: 8000 });
    const id = requestIdOf(await b.slash('upgrade edges 6.0.185'));
    const parent = await b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000);
    const card = await b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('asks to upgrade')), 30000, 'plan card');
    await b.press(card, 'srs_approval_approve', APPROVER);
    const jobId = `${id}-edge-1`;
    await waitUntil(
      async () => {
        const raw = await redis.get(keys.graceCheckpoint(jobId));
        return raw !== null && (JSON.parse(raw) as { phase: string }).phase === 'sent';
      },
      { timeoutMs: 30000, intervalMs: 50, description: 'SIGQUIT sent to edge-1' },
    );
    await (workers.all[0] as WorkerProcess).kill('SIGKILL');
    await b.restartBot(); // and the bot is restarted too
    await workers.start(b.config, b.redisUrl, 'proc-2');
    {
      const done = await b.standin.waitFor(
        () => thread(parent).find((m) => m.text.startsWith(':white_check_mark: Rollout done')),
        90000,
        'rollout done',
      );
      expect(done.text).toMatch(/`edge-1` done, runs 6\.0\.185/);
      expect(done.text).toMatch(/`edge-2` done, runs 6\.0\.185/);
      const log = fs.readFileSync(h.logFile, 'utf8');
      expect((log.match(/sig=3, user start gracefully quit/g) ?? []).length).toBe(1);
      const results = thread(parent).filter((m) => /\*edge-1\* upgrade/.test(m.text));
      expect(results).toHaveLength(1);
      recordFault({ fault: 'worker SIGKILL mid-upgrade + bot restart', injected: 2, requests: await seeRequests(b, [id]) });
    }
  }, 150000);

  it('worker SIGKILLed while checking a restarted host: the next worker judges it against the pre-upgrade snapshot, not against itself', async () => {
    const h = hosts[0] as FleetHost;
    await workers.stopAll(); // one worker: the one killed below
    const worker = await workers.start(b.config, b.redisUrl, 'proc-3');
    let again: ReturnType<typeof reconnectingClient> | undefined;
    try {
      // A publisher at the snapshot (the baseline has 1 stream) that leaves before the restart: the checks then
      // wait for the stream to come back, which is when the worker dies.
      await connectClient({ port: h.ports.rtmp, kind: 'publish', stream: 'live/cam', leaveAfterMs: 2500 });
      await new Promise((r) => setTimeout(r, 1000));
      const id = requestIdOf(await b.slash('upgrade edge-1 6.0.186'));
      const parent = await b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000);
      const card = await b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('asks to upgrade')), 30000, 'plan card');
      expect(card.text).toMatch(/`edge-1` 6\.0\.185 → \*6\.0\.186\* \(1 publisher, 1 stream\)/);
      await b.press(card, 'srs_approval_approve', APPROVER);
      await waitUntil(
        async () => {
          const raw = await redis.hget(keys.rollout(id), 'host:edge-1');
          return raw !== null && (JSON.parse(raw) as { stage: string }).stage === 'verifying';
        },
        { timeoutMs: 40000, intervalMs: 50, description: 'edge-1 verifying' },
      );
      await worker.kill('SIGKILL');
      await workers.start(b.config, b.redisUrl, 'proc-4');
      again = reconnectingClient({ port: h.ports.rtmp, kind: 'publish', stream: 'live/cam', reconnectMs: 300 }); // the encoder comes back
      const done = await b.standin.waitFor(
        () => thread(parent).find((m) => m.text.startsWith(':white_check_mark: Rollout done')),
        60000,
        'rollout done',
      );
      expect(done.text).toMatch(/`edge-1` done, runs 6\.0\.186/);
      const result = thread(parent).find((m) => /\*edge-1\* upgrade/.test(m.text));
      expect(result?.text).toMatch(
        /upgrade ok: upgraded 6\.0\.185 → 6\.0\.186: serves 6\.0\.186 \(pid \d+\), published streams 1 of 1 back/,
      );
      expect(result?.text).toContain('resumed: a previous worker began this upgrade');
      recordFault({ fault: 'worker SIGKILL mid-upgrade (checks)', injected: 1, requests: await seeRequests(b, [id]) });
    } finally {
      await again?.stop();
    }
  }, 150000);
});
