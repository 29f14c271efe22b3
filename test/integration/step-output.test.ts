import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { startOpsServer, type OpsServer } from '../../src/adapters/http/ops-server';
import { createLogger } from '../../src/adapters/logger';
import { keys } from '../../src/adapters/redis/keys';
import { producerConnection, whenReady } from '../../src/adapters/redis/redis-connection';
import { redisOutputStore } from '../../src/adapters/redis/redis-output-store';
import type { StoredOutput } from '../../src/ports/output-store-port';
import { slackToPlainText } from '../../src/presentation';
import { requestIdOf, startBotHarness, USERS, type BotHarness } from '../support/bot-harness';
import type { FleetHost } from '../support/fleet';
import { basicAuth, opsGet } from '../support/ops-client';
import { claimHosts, releaseHosts } from '../support/test-run';

/** This file's own database on the run's shared redis-server. */
const DB = 58;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const creds = { user: 'operator', password: 'step output ops password' };

/** The raw text back from a reply's code blocks (Slack-escaped inside). */
function codeOf(text: string): string {
  return [...text.matchAll(/```\n([\s\S]*?)\n```/g)].map((m) => slackToPlainText(m[1] ?? '')).join('\n');
}

describe('the full output of a step: kept, tied to the audit record by its hash, shown by /srs output and the ops server', () => {
  let hosts: FleetHost[];
  let b: BotHarness;
  let redis: Redis;
  let ops: OpsServer;
  let jobId = '';
  let recorded = '';

  beforeAll(async () => {
    hosts = await claimHosts(1, { serviceManager: 'initd', version: '6.0.184' });
    const host = hosts[0] as FleetHost;
    b = await startBotHarness(hosts, DB, { rename: { [host.name]: 'edge-1' } });
    redis = producerConnection(b.redisUrl);
    expect(await whenReady(redis, 5000)).toBe(true);
    const store = redisOutputStore(redis);
    ops = await startOpsServer({
      port: 0,
      metrics: { contentType: 'text/plain', text: () => Promise.resolve('') },
      ready: () => Promise.resolve({ ready: true, checks: [] }),
      outputs: { credentials: creds, get: (id) => store.get(id) },
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
    });
  });
  afterAll(async () => {
    await ops.close();
    redis.disconnect();
    await b.close();
    releaseHosts(hosts);
  });

  it('a restart keeps every command it sent with its output; /srs output shows it whole, its sha256 matching the audit record', async () => {
    const id = requestIdOf(await b.slash('restart edge-1'));
    const { parent } = await b.finished(id, 60000);
    expect(parent.text).toMatch(/done: 1 ok/);
    jobId = `${id}-edge-1`;
    const [result] = await b.audit({ requestId: id, types: ['job.result'] });
    recorded = String(result?.data.outputSha256);
    expect(result?.data).toMatchObject({ jobId, outputKept: true, outputTruncated: false });

    const stored = JSON.parse((await redis.get(keys.output(jobId))) ?? 'null') as StoredOutput;
    expect(sha256(stored.text)).toBe(recorded);
    expect(Buffer.byteLength(stored.text)).toBe(result?.data.outputBytes);
    // The init.d stop then start, by the script's name, each with its output and exit code.
    expect(stored.text).toMatch(/\$ sh -c <srs-initd> \S+ stop\n----- stdout -----\n[\s\S]*?----- exit 0 -----/);
    expect(stored.text).toMatch(/\$ sh -c <srs-initd> \S+ start\n/);
    expect(stored.text.indexOf(' stop\n')).toBeLessThan(stored.text.indexOf(' start\n'));
    expect(stored.text).not.toContain('srs-probe');

    const answer = JSON.parse((await b.slash(`output ${jobId}`, { user: USERS.viewer })).body) as { text: string; response_type: string };
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain(`sha256 \`${recorded}\` matches the audit record`);
    const shown = codeOf(answer.text);
    expect(`${shown}\n`).toBe(stored.text);
    expect(sha256(`${shown}\n`)).toBe(recorded);
  });

  it('the ops endpoint needs the credentials and returns the same bytes, with their sha256', async () => {
    expect((await opsGet(ops.port, `/output/${jobId}`)).status).toBe(401);
    expect((await opsGet(ops.port, `/output/${jobId}`, basicAuth(creds.user, 'wrong password!'))).status).toBe(401);
    const got = await opsGet(ops.port, `/output/${jobId}`, basicAuth(creds.user, creds.password));
    expect(got.status).toBe(200);
    expect(got.headers['x-output-sha256']).toBe(recorded);
    expect(sha256(got.body)).toBe(recorded);
  });

  it('a tampered stored output is reported as not matching the audit record', async () => {
    const key = keys.output(jobId);
    const stored = JSON.parse((await redis.get(key)) ?? 'null') as StoredOutput;
    // The text changed, and the hash beside it too: the bot recomputes, so only the audit record counts.
    const text = stored.text.replace('----- exit 0 -----', '----- exit 1 -----');
    await redis.set(key, JSON.stringify({ ...stored, text, sha256: sha256(text) }), 'KEEPTTL');
    const answer = JSON.parse((await b.slash(`output ${jobId}`)).body) as { text: string };
    expect(answer.text).toMatch(/DOES NOT MATCH the audit record/);
    expect(answer.text).toContain(recorded);
  });

  it('an unknown job id is answered with the retention', async () => {
    const answer = JSON.parse((await b.slash(`output ${jobId.replace(/-edge-1$/, '-edge-9')}`)).body) as { text: string };
    expect(answer.text).toMatch(/no such job, or its output has expired \(outputs are kept for 30 days\)/);
  });
});
