import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../config/load-config';
import type { Config } from '../../config/schema';
import { CHANNEL, SECRET, USERS } from '../support/bot-harness';
import { opsPortOf, spawnBot, type BotProcess } from '../support/bot-process';
import type { FleetHost } from '../support/fleet';
import { allocatePorts } from '../support/free-port';
import { basicAuth, metricValue, opsGet } from '../support/ops-client';
import { startRedis, type RedisServer } from '../support/redis-server';
import { postSigned, slashCommandBody } from '../support/slack/sign-request';
import { startSlackStandin, type SlackStandin } from '../support/slack/slack-standin';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { waitUntil } from '../support/wait-until';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

const PASSWORD = 'board-password-for-tests';

interface Readiness {
  status: string;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}

/** Health and readiness of the real processes while their Redis goes away and comes back; the dashboard's lock. */
describe('health endpoints and the queue dashboard', () => {
  let hosts: FleetHost[];
  let server: RedisServer;
  let standin: SlackStandin;
  let config: Config;
  let worker: WorkerProcess;
  let bot: BotProcess;
  let workerPort: number;
  let botPort: number;

  beforeAll(async () => {
    hosts = await claimHosts(1, { serviceManager: 'initd' });
    server = await startRedis({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'redis-health-')) });
    standin = await startSlackStandin();
    config = parseConfig(
      getTestRun().fleet.toConfigObject({
        hostNames: hosts.map((h) => h.name),
        rename: { [(hosts[0] as FleetHost).name]: 'edge-1' },
        extra: { slack: { allowedChannels: [CHANNEL], roles: { operator: [USERS.operator] } } },
      }),
      'health test',
    );
    worker = spawnWorker(config, server.url, 'health-w1');
    workerPort = await opsPortOf(worker.output, 'worker started');
    const [port] = (await allocatePorts(1)) as [number];
    bot = spawnBot(config, {
      redisUrl: server.url,
      standin,
      port,
      env: { BULL_BOARD: 'on', BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: PASSWORD },
    });
    botPort = await opsPortOf(bot.output, 'bot started');
  });
  afterAll(async () => {
    await bot?.stop();
    if (worker?.child.exitCode === null) await worker.kill('SIGTERM');
    await standin?.close();
    await server?.stop();
    releaseHosts(hosts);
  });

  const ready = async (port: number) => {
    const res = await opsGet(port, '/readyz');
    return { status: res.status, body: JSON.parse(res.body) as Readiness };
  };
  const until = (port: number, status: number, description: string) =>
    waitUntil(async () => (await ready(port)).status === status, { timeoutMs: 20000, intervalMs: 200, description });

  it('/readyz flips to 503 when Redis goes away and back to 200 when it returns; /healthz stays 200', async () => {
    await until(botPort, 200, 'bot ready (Redis and a live worker)');
    expect((await ready(botPort)).body.checks).toEqual([
      { name: 'redis', ok: true, detail: 'PING PONG' },
      { name: 'workers', ok: true, detail: '1 alive' },
    ]);
    await until(workerPort, 200, 'worker ready');

    await server.kill('SIGKILL');
    await until(botPort, 503, 'bot not ready without Redis');
    const down = await ready(botPort);
    expect(down.body.status).toBe('not ready');
    expect(down.body.checks.find((c) => c.name === 'redis')).toMatchObject({ ok: false });
    await until(workerPort, 503, 'worker not ready without Redis');
    expect((await ready(workerPort)).body.checks.find((c) => c.name === 'redis')).toMatchObject({ ok: false });
    expect((await opsGet(botPort, '/healthz')).status).toBe(200);
    expect((await opsGet(workerPort, '/healthz')).status).toBe(200);

    // A command while Redis is down cannot be recorded: the bot counts the failed audit write.
    const ack = await postSigned(
      bot.url,
      slashCommandBody({ text: 'restart edge-1', user_id: USERS.operator, channel_id: CHANNEL, response_url: standin.responseUrl('down') }),
      { secret: SECRET },
    );
    expect(ack.status).toBe(200);
    expect(
      metricValue((await opsGet(botPort, '/metrics')).body, 'srs_chatops_audit_write_failures_total', { type: 'request.received' }),
    ).toBeGreaterThanOrEqual(1);

    await server.restart();
    await until(botPort, 200, 'bot ready again');
    await until(workerPort, 200, 'worker ready again');
  });

  it('the bot is not ready once its last worker stops', async () => {
    await until(botPort, 200, 'bot ready');
    await worker.kill('SIGTERM');
    await until(botPort, 503, 'bot not ready without workers');
    const workers = (await ready(botPort)).body.checks.find((c) => c.name === 'workers');
    expect(workers?.ok).toBe(false);
    expect(workers?.detail).toMatch(/no live worker/);
  });

  it('the queue dashboard refuses requests without the right credentials, and shows the queue with them', async () => {
    const none = await opsGet(botPort, '/queues');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(none.body).toBe('');
    expect((await opsGet(botPort, '/queues/api/queues', basicAuth('ops', 'wrong-password-123'))).status).toBe(401);
    expect((await opsGet(botPort, '/queues/api/queues', basicAuth('admin', PASSWORD))).status).toBe(401);
    const page = await opsGet(botPort, '/queues', basicAuth('ops', PASSWORD));
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<html/i);
    const api = await opsGet(botPort, '/queues/api/queues', basicAuth('ops', PASSWORD));
    expect(api.status).toBe(200);
    const queues = (JSON.parse(api.body) as { queues: Array<{ name: string; readOnlyMode: boolean }> }).queues;
    expect(queues.map((q) => [q.name, q.readOnlyMode])).toEqual([['srs-chatops-verbs', true]]);
    // Its assets load under the base path; actions are refused (they would bypass the policy and the audit log).
    const css = /href="(static\/css\/[^"]+\.css)"/.exec(page.body)?.[1];
    expect(css).toBeDefined();
    expect((await opsGet(botPort, `/queues/${css ?? ''}`, basicAuth('ops', PASSWORD))).status).toBe(200);
    expect((await opsGet(botPort, `/queues/${css ?? ''}`)).status).toBe(401);
    const retry = await opsGet(botPort, '/queues/api/queues/srs-chatops-verbs/retry/failed', basicAuth('ops', PASSWORD), 'PUT');
    expect(retry.status).toBe(405);
    expect(retry.body).toContain('QUEUE_READ_ONLY');
    expect(bot.output()).not.toContain(PASSWORD);
  });

  it('a bot or worker whose ops port is taken exits at once with the reason', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = String((blocker.address() as net.AddressInfo).port);
    try {
      const w = spawnWorker(config, server.url, 'health-w2', { METRICS_PORT: taken, METRICS_HOST: '127.0.0.1' });
      expect(await w.exited).toBe(1);
      expect(w.output()).toContain(`cannot serve /metrics on 127.0.0.1:${taken} (EADDRINUSE): set METRICS_PORT to a free port, or \`off\``);
      const [port] = (await allocatePorts(1)) as [number];
      const b = spawnBot(config, { redisUrl: server.url, standin, port, env: { METRICS_PORT: taken, METRICS_HOST: '127.0.0.1' } });
      expect(await b.exited).toBe(1);
      expect(b.output()).toContain('cannot serve /metrics');
    } finally {
      blocker.close();
    }
  });
});
