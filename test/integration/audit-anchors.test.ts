import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { FleetHost } from '../support/fleet';
import { requestIdOf, startBotHarness, USERS, type BotHarness } from '../support/bot-harness';
import { claimHosts, releaseHosts } from '../support/test-run';
import { waitUntil } from '../support/wait-until';
import type { AuditRecord } from '../../src/ports/audit-port';
import { auditKeys } from '../../src/adapters/audit/audit-keys';
import { canonicalJson } from '../../src/core/audit/canonical-json';
import { runAudit } from '../../src/cli/audit/run-audit';
import type { AuditOutput } from '../../src/cli/audit/audit-output';

const AUDIT_CHANNEL = 'C0AUDIT01';
const ANCHOR = /`\{"anchor":1,"at":"[^"]+","hash":"([0-9a-f]{64})","seq":(\d+)\}`/;

async function audit(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: AuditOutput = { out: (t) => void (out += t), err: (t) => void (err += t) };
  return { code: await runAudit(args, env, io), out, err };
}

/**
 * Anchors published outside Redis (issue 15, finding 9): the bot posts the chain head to the audit channel and
 * writes it to the audit file after each state-changing request, so that a log rewritten with recomputed hashes
 * (which passes every check inside Redis) fails `audit verify --anchors-from` a saved copy of the channel.
 */
describe('audit anchors, end to end (Slack stand-in, real Redis, sshd, simulator)', () => {
  let hosts: FleetHost[];
  let b: BotHarness;
  let dir: string;
  let file: string;
  const DB = 29;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-anchors-'));
    file = path.join(dir, 'audit.jsonl');
    hosts = await claimHosts(1, { serviceManager: 'initd', version: '6.0.184' });
    b = await startBotHarness(hosts, DB, { extra: { audit: { file, anchors: { channel: AUDIT_CHANNEL, settleMs: 300 } } } });
  });
  afterAll(async () => {
    await b.close();
    releaseHosts(hosts);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const anchors = () =>
    b.standin.messages(AUDIT_CHANNEL).flatMap((m) => {
      const match = ANCHOR.exec(m.text);
      return match === null ? [] : [{ seq: Number(match[2]), hash: match[1] ?? '', text: m.text }];
    });
  const head = async () => {
    const redis = new Redis(b.redisUrl);
    try {
      const [seq, hash] = await redis.hmget(auditKeys().head, 'seq', 'hash');
      return { seq: Number(seq), hash: hash ?? '' };
    } finally {
      redis.disconnect();
    }
  };

  it('posts the head after a state-changing request (not after a status), writes it to the file, and verify uses both', async () => {
    const host = hosts[0]?.name ?? '';
    // At start: the head as the bot found it.
    await b.standin.waitFor(() => anchors()[0], 10000, 'the first anchor');
    const before = anchors().length;
    const status = requestIdOf(await b.slash(`status ${host}`, { user: USERS.operator }));
    await b.finished(status);
    await new Promise((r) => setTimeout(r, 1500));
    expect(anchors()).toHaveLength(before); // a read waits for the schedule
    const restart = requestIdOf(await b.slash(`restart ${host}`, { user: USERS.operator }));
    await b.finished(restart);
    // request.done is appended just after the parent's final edit: wait for it rather than race it.
    let done: AuditRecord | undefined;
    await waitUntil(async () => (done = (await b.audit({ requestId: restart, types: ['request.done'] }))[0]) !== undefined, {
      timeoutMs: 5000,
      description: 'request.done of the restart',
    });
    const last = await b.standin.waitFor(
      () => anchors().find((a) => a.seq >= (done?.seq ?? Infinity)),
      15000,
      'an anchor after the restart',
    );
    expect(last.text).toMatch(/^:lock: Audit anchor: the log's head is seq \d+\./);
    const now = await head();
    expect(anchors().find((a) => a.seq === now.seq)?.hash ?? now.hash).toBe(now.hash);
    expect(fs.readFileSync(file, 'utf8')).toContain(`"hash":"${last.hash}","seq":${last.seq}}\n`);

    // A copy of the audit channel, as Slack's export writes it (JSON, the text escaped).
    const channelCopy = path.join(dir, 'audit-channel.json');
    fs.writeFileSync(
      channelCopy,
      JSON.stringify(
        b.standin.messages(AUDIT_CHANNEL).map((m) => ({ type: 'message', text: m.text, ts: m.ts })),
        null,
        2,
      ),
    );
    const env = { REDIS_URL: b.redisUrl };
    const ok = await audit(['verify', '--anchors-from', channelCopy, '--anchors-from', file], env);
    expect(ok.out).toMatch(/^audit log ok: \d+ records, chain intact up to seq \d+, \d+ anchors? matched \(the newest at seq \d+\)/);
    expect(ok.code).toBe(0);

    // Someone with write access to Redis rewrites the log from seq 2 on, every hash recomputed, the stream replaced
    // in one go (RENAME keeps the counters consistent with the copy) and the head moved: every check inside Redis
    // passes...
    const redis = new Redis(b.redisUrl);
    try {
      const keys = auditKeys();
      const entries = (await redis.xrange(keys.stream, '-', '+')) as Array<[string, string[]]>;
      let prev = '';
      const multi = redis.multi().del(`${keys.stream}:copy`);
      for (const [i, [id, fields]] of entries.entries()) {
        let body = fields[1] ?? '';
        let hash = fields[3] ?? '';
        if (i >= 1) {
          const parsed = JSON.parse(body) as Record<string, unknown>;
          // (Not who or where: the indexes would name that. What it said.)
          body = canonicalJson({ ...parsed, prev, data: i === 1 ? { ...(parsed['data'] as object), hosts: 0 } : parsed['data'] });
          hash = createHash('sha256').update(body).digest('hex');
        }
        prev = hash;
        multi.xadd(`${keys.stream}:copy`, id, 'r', body, 'h', hash);
      }
      await multi.rename(`${keys.stream}:copy`, keys.stream).hset(keys.head, 'hash', prev).exec();
    } finally {
      redis.disconnect();
    }
    const inside = await audit(['verify'], env);
    expect(inside.out).toMatch(/^audit log ok: /);
    // ...but not the anchors kept outside it: the audit channel's copy, and the audit file.
    for (const source of [channelCopy, file]) {
      const r = await audit(['verify', '--anchors-from', source], env);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(
        /^audit log FAILED verification: record seq \d+ \(\S+\) was rewritten: its hash differs from the anchor [0-9a-f]{16}…/,
      );
    }
  });
});
