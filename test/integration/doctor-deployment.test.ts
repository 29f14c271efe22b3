import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { runDoctor } from '../../src/cli/doctor/run-doctor';
import type { FleetHost } from '../support/fleet';
import { startRedis, type RedisServer } from '../support/redis-server';
import { startSlackStandin, type SlackStandin } from '../support/slack/slack-standin';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';

const row = (out: string, check: string) => out.split('\n').find((l) => l.startsWith('- ') && l.includes(` ${check} `)) ?? '';

/** doctor on the deployment: the Slack token's scopes (auth.test on the stand-in), Redis persistence and eviction. */
describe('srs-chatops doctor: Slack and Redis settings', () => {
  let host: FleetHost;
  let standin: SlackStandin;
  let server: RedisServer;
  let configPath: string;

  beforeAll(async () => {
    [host] = (await claimHosts(1, { serviceManager: 'initd' })) as [FleetHost];
    standin = await startSlackStandin();
    server = await startRedis({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'redis-doctor-')), appendOnly: true });
    configPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-')), 'srs-chatops.yml');
    fs.writeFileSync(configPath, stringify(getTestRun().fleet.toConfigObject({ hostNames: [host.name] })));
  });
  afterAll(async () => {
    await standin.close();
    await server.stop();
    releaseHosts([host]);
  });

  async function doctor(env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
    let out = '';
    const sink = { write: (t: string) => ((out += t), true) } as unknown as NodeJS.WritableStream;
    const code = await runDoctor(
      [],
      {
        SRS_CHATOPS_CONFIG: configPath,
        REDIS_URL: server.url,
        LOG_LEVEL: 'silent',
        SLACK_API_URL: standin.url,
        SLACK_SIGNING_SECRET: 's',
        ...env,
      },
      sink,
    );
    return { code, out };
  }

  it('a token with exactly the manifest scopes and a persistent Redis pass', async () => {
    const { code, out } = await doctor({ SLACK_BOT_TOKEN: standin.token });
    expect(row(out, 'slack token')).toMatch(/ ok .*auth\.test: team Stand-in Workspace, bot user U0BOTUSER/);
    expect(row(out, 'slack scopes')).toMatch(/ ok .*commands,chat:write/);
    expect(row(out, 'slack least privilege')).toBe('');
    expect(row(out, 'slack mode')).toMatch(/ ok .*HTTP/);
    expect(row(out, 'redis persistence')).toMatch(/ ok .*appendonly yes/);
    expect(row(out, 'redis fsync')).toMatch(/ ok .*appendfsync always/);
    expect(row(out, 'redis eviction')).toMatch(/ ok .*maxmemory-policy noeviction/);
    expect(out).toContain('doctor: everything checked is fine');
    expect(code).toBe(0);
    expect(standin.callsTo('auth.test')).toHaveLength(1);
    expect(out).not.toContain(standin.token);
  });

  it('names a missing scope, a needless one and an evicting Redis, each with its fix', async () => {
    standin.setScopes(['commands', 'channels:history']);
    const admin = new Redis(server.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    admin.disconnect();
    const { code, out } = await doctor({ SLACK_BOT_TOKEN: standin.token });
    expect(row(out, 'slack scopes')).toMatch(
      /PROBLEM .*missing chat:write .*add the bot scope chat:write in api\.slack\.com\/apps .*reinstall the app/,
    );
    expect(row(out, 'slack least privilege')).toMatch(/WARN .*not needed: channels:history .*remove channels:history/);
    expect(row(out, 'redis eviction')).toMatch(/PROBLEM .*maxmemory-policy allkeys-lru .*CONFIG SET maxmemory-policy noeviction/);
    expect(out).toMatch(/doctor: 2 problems; apply the fixes above/);
    expect(code).toBe(1);
  });

  it('a refused token, or none, is reported', async () => {
    const refused = await doctor({ SLACK_BOT_TOKEN: 'xoxb-not-the-token' });
    expect(row(refused.out, 'slack token')).toMatch(/PROBLEM .*auth\.test failed: invalid_auth .*reinstall the app/);
    expect(refused.out).not.toContain('xoxb-not-the-token');
    expect(refused.code).toBe(1);
    const none = await doctor({});
    expect(row(none.out, 'slack token')).toMatch(/WARN .*SLACK_BOT_TOKEN not set/);
  });
});
