/**
 * The slash-command ack through the whole HTTP path, without a fleet: the real bot process (`srs-chatops bot`, HTTP
 * mode, Bolt verifying each HMAC signature, the replay guard, the command handler, Redis) answering bursts of 50
 * concurrent signed commands, with no worker running and no SSH host on the machine. It separates what the bot costs
 * from what the fleet bench adds (the hosts' sshd sessions and probes on the same cores).
 *
 *   npx tsx bench/ack-http.ts [--hosts 200] [--bursts 5] [--only host,help,all] [--profile DIR]
 *
 * Reports p50/p99/max of the HTTP answer per scenario and the bot's CPU per command. `--profile DIR` writes a V8 CPU
 * profile of the bot process there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { parseConfig } from '../config/load-config';
import { startRedis } from '../test/support/redis-server';
import { startSlackStandin } from '../test/support/slack/slack-standin';
import { CHANNEL, slash, USER } from './lib/bot-client';
import { BotProcess } from './lib/bot-process';
import { cpuMs } from './lib/proc';
import { fmtMs, percentile } from './lib/stats';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '200' },
      bursts: { type: 'string', default: '5' },
      profile: { type: 'string' },
      only: { type: 'string', default: 'host,help,all' },
    },
  });
  const only = new Set(values.only.split(','));
  const n = Number(values.hosts);
  const bursts = Number(values.bursts);
  if (!Number.isInteger(n) || n < 50 || n > 400) throw new Error('--hosts 50..400');
  if (!Number.isInteger(bursts) || bursts < 1 || bursts > 50) throw new Error('--bursts 1..50');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-ack-http-'));
  const redis = await startRedis({ dir: path.join(dir, 'redis') });
  const standin = await startSlackStandin({});
  const client = new Redis(redis.url);
  const names = Array.from({ length: n }, (_, i) => `h${String(i + 1).padStart(3, '0')}`);
  const doc = {
    ssh: { user: 'bench', privateKeyPath: '/nonexistent/key', knownHostsPath: '/nonexistent/known_hosts' },
    slack: { allowedChannels: [CHANNEL], roles: { operator: [USER] } },
    hosts: names.map((name) => ({ name, address: '127.0.0.1', port: 1 })),
  };
  parseConfig(doc, 'ack-http');
  const configPath = path.join(dir, 'config.yml');
  fs.writeFileSync(configPath, stringify(doc));
  const bot = new BotProcess(
    {
      redisUrl: redis.url,
      redisClient: client,
      standin,
      dir,
      profileDir: values.profile !== undefined ? path.resolve(values.profile) : undefined,
    },
    configPath,
    path.join(dir, 'bot.log'),
    'h001',
  );
  const out = [
    `ack through the bot's HTTP endpoint, ${n} hosts in the inventory, no worker, no fleet; ${bursts} bursts of 50 concurrent signed commands per scenario`,
    '',
    '| scenario | acks | p50 | p99 | max | non-200 | bot CPU per command |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  try {
    await bot.start();
    const ctx = bot.ctx;
    // Script caches of the enqueue path (start() sent `help` and `hosts`): one of each, untimed.
    for (const text of ['status h001', 'status all']) await slash(ctx, text);
    const scenarios: Array<{ key: string; label: string; texts: () => string[] }> = [
      { key: 'host', label: '50 x `status <one host>` (distinct hosts)', texts: () => names.slice(0, 50).map((h) => `status ${h}`) },
      { key: 'help', label: '50 x `help` (no Redis write but the audit record)', texts: () => names.slice(0, 50).map(() => 'help') },
      { key: 'all', label: `50 x \`status all\` (${n} jobs each)`, texts: () => names.slice(0, 50).map(() => 'status all') },
    ];
    for (const sc of scenarios.filter((x) => only.has(x.key))) {
      const acks: number[] = [];
      let bad = 0;
      const cpu0 = cpuMs(ctx.botPid);
      const rounds = sc.label.includes('status all') ? 1 : bursts;
      for (let b = 0; b < rounds; b += 1) {
        const answers = await Promise.all(sc.texts().map((t) => slash(ctx, t)));
        for (const a of answers) {
          acks.push(a.ms);
          if (a.status !== 200) bad += 1;
        }
        await new Promise((r) => setTimeout(r, 500)); // let the follow-ups (parent posts) finish between bursts
      }
      const perCommand = (cpuMs(ctx.botPid) - cpu0) / acks.length;
      out.push(
        `| ${sc.label} | ${acks.length} | ${fmtMs(percentile(acks, 50))} | ${fmtMs(percentile(acks, 99))} | ${fmtMs(Math.max(...acks))} | ${bad} | ${fmtMs(perCommand)} |`,
      );
      process.stderr.write(`${out[out.length - 1] ?? ''}\n`);
    }
  } finally {
    await bot.stop();
    client.disconnect();
    await standin.close();
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `${out.join('\n')}\n(load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`ack-http: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
