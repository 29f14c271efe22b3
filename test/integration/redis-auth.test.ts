import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { parseConfig } from '../../config/load-config';
import { checkRedis } from '../../src/cli/doctor/check-redis';
import { runAudit } from '../../src/cli/audit/run-audit';
import type { AuditOutput } from '../../src/cli/audit/audit-output';
import { CHANNEL, USERS } from '../support/bot-harness';
import { opsPortOf, spawnBot, type BotProcess } from '../support/bot-process';
import { findProgram } from '../support/ensure-packages';
import type { FleetHost } from '../support/fleet';
import { allocatePort, allocatePorts } from '../support/free-port';
import { metricValue, opsGet } from '../support/ops-client';
import { startSlackStandin, type SlackStandin } from '../support/slack/slack-standin';
import { stopProcess } from '../support/stop-process';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { waitUntil } from '../support/wait-until';

const RIGHT = 'the-right-redis-password';
const WRONG = 'Wr0ngRedisPw';

/** A real redis-server that requires a password; every form of REDIS_URL that gets it wrong. */
describe('a Redis that refuses the password', () => {
  let pid = 0;
  let port: number;

  beforeAll(async () => {
    const binary = findProgram('redis-server');
    if (!binary) throw new Error('redis-server is not installed');
    port = await allocatePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-auth-'));
    const child = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--requirepass',
        RIGHT,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
      ],
      { detached: true, stdio: 'ignore' },
    );
    child.unref();
    pid = child.pid ?? 0;
    await waitUntil(
      async () => {
        const probe = new Redis({ port, password: RIGHT, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          probe.disconnect();
        }
      },
      { timeoutMs: 10000, intervalMs: 50, description: 'redis-server with a password' },
    );
  });
  afterAll(async () => {
    if (pid !== 0) await stopProcess(pid, { signal: 'SIGTERM', graceMs: 3000 });
  });

  const url = (form: string) => form.replace('PORT', String(port));
  const wrongForms = [
    'redis://127.0.0.1:PORT?password=WRONG',
    'redis://:WRONG@127.0.0.1:PORT',
    'redis://default:WRONG@127.0.0.1:PORT/0',
    'redis://127.0.0.1:PORT/0?username=default&password=WRONG',
  ].map((f) => f.replace('WRONG', WRONG));

  it('doctor names the authentication failure with the fix, and masks the password in every URL form', async () => {
    for (const form of wrongForms) {
      const [finding] = await checkRedis(url(form));
      expect(finding).toMatchObject({ check: 'redis', ok: false });
      expect([form, finding?.detail]).toEqual([
        form,
        expect.stringMatching(
          /: authentication failed: Redis refused the user or password in REDIS_URL \(WRONGPASS invalid username-password pair/,
        ),
      ]);
      expect(finding?.fix).toMatch(/^set REDIS_URL with the password Redis expects/);
      expect(JSON.stringify(finding)).not.toContain(WRONG);
    }
    const [none] = await checkRedis(url('redis://127.0.0.1:PORT'));
    expect(none?.detail).toMatch(/authentication failed: Redis requires a password and REDIS_URL gives none \(NOAUTH/);
    const [ok] = await checkRedis(url(`redis://127.0.0.1:PORT?password=${RIGHT}`));
    expect(ok).toMatchObject({ ok: true, detail: url('redis://127.0.0.1:PORT?password=***') });
    // Not a URL at all: named, and the password (which Node's URL error carries in `input`) is not shown.
    const [invalid] = await checkRedis(`redis://:${WRONG}@127.0.0.1:${port}x`);
    expect(invalid).toMatchObject({
      ok: false,
      detail: `redis://:***@127.0.0.1:${port}x: REDIS_URL is not a valid URL`,
      fix: expect.stringMatching(/^write it as redis:\/\//) as string,
    });
  });

  it('the audit CLI says it cannot log in, with the fix, and never prints the password', async () => {
    for (const form of wrongForms) {
      let err = '';
      const io: AuditOutput = { out: () => undefined, err: (t) => void (err += t) };
      expect(await runAudit(['tail', '-n', '1'], { REDIS_URL: url(form) }, io)).toBe(3);
      expect(err).toMatch(
        /^srs-chatops audit: cannot log in to Redis at redis:\/\/\S+ \(authentication failed: Redis refused the user or password in REDIS_URL \(WRONGPASS[^)]*\)\): set REDIS_URL with the password Redis expects/,
      );
      expect(err).not.toContain(WRONG);
    }
  });

  describe('the bot', () => {
    let hosts: FleetHost[];
    let standin: SlackStandin;
    let bot: BotProcess;
    let botPort: number;

    beforeAll(async () => {
      hosts = await claimHosts(1, { serviceManager: 'initd' });
      standin = await startSlackStandin();
      const config = parseConfig(
        getTestRun().fleet.toConfigObject({
          hostNames: hosts.map((h) => h.name),
          rename: { [(hosts[0] as FleetHost).name]: 'edge-1' },
          extra: { slack: { allowedChannels: [CHANNEL], roles: { operator: [USERS.operator] } } },
        }),
        'redis auth test',
      );
      const [slackPort] = (await allocatePorts(1)) as [number];
      bot = spawnBot(config, { redisUrl: url(`redis://127.0.0.1:PORT?password=${WRONG}`), standin, port: slackPort });
      botPort = await opsPortOf(bot.output, 'bot started');
    });
    afterAll(async () => {
      await bot?.stop();
      await standin?.close();
      releaseHosts(hosts);
    });

    it('/metrics answers, with the Redis-read values unknown; /readyz and the startup log name the authentication failure', async () => {
      for (let i = 0; i < 3; i++) {
        const metrics = await opsGet(botPort, '/metrics');
        expect(metrics.status).toBe(200);
        expect(metricValue(metrics.body, 'srs_chatops_workers_alive')).toBeNaN();
        expect(metricValue(metrics.body, 'srs_chatops_queue_jobs')).toBeUndefined();
        expect(metricValue(metrics.body, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      }
      const ready = await opsGet(botPort, '/readyz');
      expect(ready.status).toBe(503);
      const redis = (JSON.parse(ready.body) as { checks: Array<{ name: string; ok: boolean; detail: string }> }).checks.find(
        (c) => c.name === 'redis',
      );
      expect(redis?.detail).toMatch(
        /^not connected \(\w+\): authentication failed: Redis refused the user or password in REDIS_URL \(WRONGPASS[^)]*\); set REDIS_URL with the password Redis expects/,
      );
      await waitUntil(() => bot.output().includes('redis refused the credentials; commands will be refused until it is'), {
        timeoutMs: 10000,
        description: 'the startup warning',
      });
      expect(bot.output()).toContain('"msg":"redis refused the credentials; retrying"');
      expect(bot.output()).not.toContain(WRONG);
    });
  });
});
