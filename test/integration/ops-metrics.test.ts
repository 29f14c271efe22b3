import { parseConfig } from '../../config/load-config';
import type { Config } from '../../config/schema';
import { CHANNEL, requestIdOf, USERS } from '../support/bot-harness';
import { opsPortOf, spawnBot, type BotProcess } from '../support/bot-process';
import type { FleetHost } from '../support/fleet';
import { allocatePorts } from '../support/free-port';
import { metricValue, opsGet } from '../support/ops-client';
import { postSigned, slashCommandBody, type SignedResponse } from '../support/slack/sign-request';
import { startSlackStandin, type SlackStandin } from '../support/slack/slack-standin';
import { startSocketModeStandin } from '../support/slack/socket-mode-standin';
import { SECRET } from '../support/bot-harness';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { Redis } from 'ioredis';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';

const DB = 23;

/** The real processes (`srs-chatops bot` and `worker`), real Redis, sshd and SRS; the metrics are scraped over HTTP. */
describe('metrics after jobs driven through the real path', () => {
  let hosts: FleetHost[];
  let standin: SlackStandin;
  let config: Config;
  let worker: WorkerProcess;
  let bot: BotProcess;
  let workerPort: number;
  let botPort: number;
  const redisUrl = () => `${getTestRun().redisUrl}/${DB}`;

  beforeAll(async () => {
    hosts = await claimHosts(4, { serviceManager: 'initd', version: '6.0.184' });
    standin = await startSlackStandin();
    const rename = Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`]));
    config = parseConfig(
      getTestRun().fleet.toConfigObject({
        hostNames: hosts.map((h) => h.name),
        rename,
        extra: { worker: { startSettleMs: 1500 }, slack: { allowedChannels: [CHANNEL], roles: { operator: [USERS.operator] } } },
      }),
      'metrics test',
    );
    worker = spawnWorker(config, redisUrl(), 'metrics-w1');
    workerPort = await opsPortOf(worker.output, 'worker started');
    const [port] = (await allocatePorts(1)) as [number];
    bot = spawnBot(config, { redisUrl: redisUrl(), standin, port });
    botPort = await opsPortOf(bot.output, 'bot started');
  });
  afterAll(async () => {
    await bot?.stop();
    await worker?.kill('SIGTERM');
    await standin?.close();
    for (const h of hosts ?? []) await getTestRun().fleet.resetHost(h.name);
    releaseHosts(hosts);
  });

  const slash = (text: string): Promise<SignedResponse> =>
    postSigned(
      bot.url,
      slashCommandBody({ text, user_id: USERS.operator, channel_id: CHANNEL, response_url: standin.responseUrl(`r${Date.now()}`) }),
      { secret: SECRET },
    );
  const finished = (requestId: string) =>
    standin.waitFor(
      (s) => s.messages(CHANNEL).find((m) => m.text.includes(requestId) && m.text.includes(': done')),
      60000,
      `request ${requestId} finished`,
    );

  it('counts jobs by verb and outcome, their durations, a drain, SSH connect failures, Slack errors and 429s', async () => {
    const before = await opsGet(workerPort, '/metrics');
    expect(before.status).toBe(200);
    expect(metricValue(before.body, 'srs_chatops_jobs_total')).toBeUndefined();

    // Slack trouble the bot must live through: one platform error on the first post, one 429 on the first edit.
    standin.failNext('chat.postMessage', { ok: false, error: 'internal_error' });
    standin.failNext('chat.update', { status: 429, retryAfterSec: 1 });
    await getTestRun().fleet.stopSshd((hosts[3] as FleetHost).name);
    const ids = [];
    for (const text of ['status edge-1,edge-2', 'grace edge-3', 'status edge-4']) {
      const ack = await slash(text);
      expect(ack.status).toBe(200);
      ids.push(requestIdOf(ack));
    }
    for (const id of ids) await finished(id);

    const w = (await opsGet(workerPort, '/metrics')).body;
    expect(metricValue(w, 'srs_chatops_jobs_total', { verb: 'status', outcome: 'ok', component: 'worker' })).toBe(2);
    expect(metricValue(w, 'srs_chatops_jobs_total', { verb: 'grace', outcome: 'ok' })).toBe(1);
    expect(metricValue(w, 'srs_chatops_jobs_total', { verb: 'status', outcome: 'unknown' })).toBe(1);
    expect(metricValue(w, 'srs_chatops_job_duration_seconds_count', { verb: 'status', outcome: 'ok' })).toBe(2);
    expect(metricValue(w, 'srs_chatops_job_duration_seconds_sum', { verb: 'status', outcome: 'ok' })).toBeGreaterThan(0);
    expect(metricValue(w, 'srs_chatops_drain_duration_seconds_count', { escalated: 'no' })).toBe(1);
    // Signal to exit: part of the grace job's own duration.
    const drained = metricValue(w, 'srs_chatops_drain_duration_seconds_sum', { escalated: 'no' }) ?? 0;
    expect(drained).toBeGreaterThan(0.5);
    expect(drained).toBeLessThanOrEqual(metricValue(w, 'srs_chatops_job_duration_seconds_sum', { verb: 'grace', outcome: 'ok' }) ?? 0);
    expect(metricValue(w, 'srs_chatops_ssh_connect_failures_total', { reason: 'ssh_connect_failed' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(w, 'srs_chatops_audit_write_failures_total')).toBeUndefined();

    const b = (await opsGet(botPort, '/metrics')).body;
    expect(
      metricValue(b, 'srs_chatops_slack_api_errors_total', { method: 'chat.postMessage', code: 'internal_error', component: 'bot' }),
    ).toBe(1);
    expect(metricValue(b, 'srs_chatops_slack_rate_limited_total', { method: 'chat.update' })).toBe(1);
    expect(metricValue(b, 'srs_chatops_workers_alive')).toBe(1);
    expect(metricValue(b, 'srs_chatops_queue_jobs', { state: 'waiting' })).toBe(0);
    expect(metricValue(b, 'srs_chatops_queue_jobs', { state: 'active' })).toBe(0);
    expect(metricValue(b, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('one correlation id per request: the request id in bot and worker log lines and in every audit record', async () => {
    const ack = await slash('status edge-4');
    const id = requestIdOf(ack);
    await finished(id);
    const lines = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg?: string; requestId?: string; jobId?: string });
    expect(
      lines(bot.output())
        .filter((l) => l.requestId === id)
        .map((l) => l.msg),
    ).toContain('request queued');
    const workerLines = lines(worker.output()).filter((l) => l.requestId === id);
    // The verb's own log line (SSH refused: sshd of edge-4 is down) carries it too, not only the summary line.
    expect(workerLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['verb failed', 'verb done']));
    expect(workerLines.every((l) => l.jobId === undefined || l.jobId === `${id}-edge-4`)).toBe(true);
    expect(bot.output()).not.toContain(standin.token);
    expect(bot.output() + worker.output()).not.toMatch(/PRIVATE KEY|test-signing-secret/);
    const redis = new Redis(redisUrl());
    try {
      const records = await new RedisAuditStore(redis).query({ requestId: id });
      expect(records.map((r) => r.type)).toEqual(
        expect.arrayContaining(['request.received', 'request.queued', 'job.started', 'job.result']),
      );
      expect(records.every((r) => r.correlationId === id)).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('Socket Mode, the manifest default: the bot process needs no signing secret and answers /srs over the socket', async () => {
    const socket = await startSocketModeStandin({ slack: standin });
    const [port] = (await allocatePorts(1)) as [number];
    const socketBot = spawnBot(config, {
      redisUrl: redisUrl(),
      standin,
      port,
      env: { SLACK_APP_TOKEN: standin.appToken, SLACK_SIGNING_SECRET: '' },
    });
    try {
      const opsPort = await opsPortOf(socketBot.output, 'bot started');
      expect(socketBot.output()).toMatch(/"mode":"socket"/);
      await socket.waitForConnection(20000);
      const envelope = socket.pushSlashCommand({
        text: 'status edge-1',
        user_id: USERS.operator,
        channel_id: CHANNEL,
        response_url: standin.responseUrl('socket'),
      });
      const ack = (await socket.waitForAck(envelope, 10000)).payload as { text: string };
      expect(ack.text).toMatch(/Queued `status` on 1 host \(request (r-[a-z0-9]+-[a-f0-9]+)\)/);
      await finished(/request (r-[a-z0-9]+-[a-f0-9]+)/.exec(ack.text)?.[1] ?? '?');
      expect((await opsGet(opsPort, '/readyz')).status).toBe(200);
    } finally {
      await socketBot.stop();
      await socket.close();
    }
  });
});
