/**
 * 1,000 hosts (issue 20): `/srs status all` through the whole chat path (signed slash command -> Bolt HTTP ->
 * Redis/BullMQ -> worker processes -> SSH -> stand-in hosts -> Slack stand-in) with 1, 2 and 4 worker processes, and
 * 50 simultaneous `status all`. The hosts are the SSH stand-in fleet (bench/lib/ssh-standin): one ssh2 server per
 * host, spread over `--standin-procs` processes (default: 250 hosts each), answering what a real simulator host
 * (recorded at start through real sshd) answered.
 *
 *   bash scripts/with-subreaper.sh npx tsx bench/fanout-1000.ts [--hosts 1000] [--runs 3] [--workers 1,2,4]
 *        [--concurrency 50] [--fail-auth 1] [--srs-down 2] [--bursts 3] [--tiers on|off] [--standin-procs N] [--bot-js] [--skip runs,accept,bursts] [--keep] [--out DIR]
 *
 * Results: bench/results/fanout-<stamp>-<hosts>.json (raw) and .md (tables); the markdown is also printed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { ensurePackages } from '../test/support/ensure-packages';
import { requireSubreaper } from '../test/support/reaper/require-subreaper';
import { startRedis } from '../test/support/redis-server';
import { startSlackStandin } from '../test/support/slack/slack-standin';
import { WorkerHandle } from './lib/bot-client';
import { BotProcess } from './lib/bot-process';
import { Cleanup } from './lib/cleanup';
import { acceptProbe, type AcceptProbe } from './lib/fanout-accept';
import { fanoutBurst, type FanoutBurst } from './lib/fanout-burst';
import { renderFanoutReport, type FanoutResults } from './lib/fanout-report';
import { fanoutRun, type FanoutRun } from './lib/fanout-run';
import { loadAverages, sh } from './lib/machine';
import { describeRecording } from './lib/ssh-standin/recording';
import { recordHost, RECORDED_NAME } from './lib/ssh-standin/record-host';
import type { Unrecorded } from './lib/ssh-standin/replay-backend';
import { standinEntry, writeBenchConfig } from './lib/ssh-standin/standin-config';
import type { ProcHostSpec } from './lib/ssh-standin/standin-proc';
import { StandinProcs } from './lib/ssh-standin/standin-procs';

/** Slack's documented limits the stand-in enforces with `--tiers on` (per minute, sliding window; one channel). */
const TIERS = { 'chat.postMessage': 60, 'chat.update': 50 };

interface Options {
  hosts: number;
  runs: number;
  workers: number[];
  concurrency: number;
  failAuthPct: number;
  srsDownPct: number;
  bursts: number;
  tiers: boolean;
  /** Stand-in fleet processes; 0: one per 250 hosts (HOSTS_PER_PROC). */
  standinProcs: number;
  /** Parts left out: `runs`, `accept`, `bursts`. */
  skip: Set<string>;
  keep: boolean;
  out: string;
  /** Run the bot compiled to JavaScript (tsconfig.build.json, plain node) instead of under tsx. */
  botJs: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '1000' },
      runs: { type: 'string', default: '3' },
      workers: { type: 'string', default: '1,2,4' },
      concurrency: { type: 'string', default: '50' },
      'fail-auth': { type: 'string', default: '1' },
      'srs-down': { type: 'string', default: '2' },
      bursts: { type: 'string', default: '3' },
      tiers: { type: 'string', default: 'on' },
      'standin-procs': { type: 'string', default: '0' },
      skip: { type: 'string', default: '' },
      keep: { type: 'boolean', default: false },
      'bot-js': { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(__dirname, 'results') },
    },
  });
  const int = (v: string, name: string, lo: number, hi: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new Error(`--${name}: an integer ${lo}..${hi}`);
    return n;
  };
  return {
    hosts: int(values.hosts, 'hosts', 1, 5000),
    runs: int(values.runs, 'runs', 1, 20),
    workers: values.workers.split(',').map((w) => int(w.trim(), 'workers', 1, 16)),
    concurrency: int(values.concurrency, 'concurrency', 1, 1000),
    failAuthPct: int(values['fail-auth'], 'fail-auth', 0, 100),
    srsDownPct: int(values['srs-down'], 'srs-down', 0, 100),
    bursts: int(values.bursts, 'bursts', 0, 20),
    tiers: values.tiers !== 'off',
    standinProcs: int(values['standin-procs'], 'standin-procs', 0, 64),
    skip: new Set(
      values.skip
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
    keep: values.keep,
    botJs: values['bot-js'],
    out: path.resolve(values.out),
  };
}

function log(msg: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
}

function hostName(i: number, n: number): string {
  return `h${String(i + 1).padStart(Math.max(4, String(n).length), '0')}`;
}

/** Every k-th host fails: auth refused for `failAuthPct` %, SRS down for `srsDownPct` % (spread, not adjacent). */
function behaviourOf(i: number, o: Options): 'ok' | 'auth' | 'down' {
  const every = (pct: number): number => (pct > 0 ? Math.round(100 / pct) : 0);
  const a = every(o.failAuthPct);
  const d = every(o.srsDownPct);
  if (a > 0 && i % a === a - 1) return 'auth';
  if (d > 0 && i % d === Math.floor(d / 2)) return 'down';
  return 'ok';
}

async function main(): Promise<void> {
  const opts = parseOptions();
  requireSubreaper();
  ensurePackages();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-fanout-'));
  const cleanup = new Cleanup(log);
  const onSignal = (): void => {
    log('interrupted: cleaning up');
    void cleanup.runAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const results: FanoutResults = {
    machine: {
      commit: sh(`cd ${path.resolve(__dirname, '..')} && git -c safe.directory='*' rev-parse --short HEAD`),
      dirty: sh(`cd ${path.resolve(__dirname, '..')} && git -c safe.directory='*' status --porcelain --untracked-files=no | wc -l`),
      date: new Date().toISOString(),
      nproc: sh('nproc'),
      cpu: sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim(),
      node: process.version,
      redis: sh('redis-server --version'),
      loadAtStart: loadAverages(),
    },
    options: { ...opts, skip: [...opts.skip], out: undefined },
    recording: '',
    runs: [],
    accept: [],
    bursts: [],
    workerHwmKb: {},
    unrecorded: [],
  };
  try {
    const redis = await startRedis({ dir: path.join(dir, 'redis') });
    cleanup.add('redis', () => redis.stop());
    const redisClient = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    cleanup.add('redis client', () => Promise.resolve(redisClient.disconnect()));
    const standin = await startSlackStandin(opts.tiers ? { rateLimit: { ...TIERS }, rateLimitWindowMs: 60_000 } : {});
    cleanup.add('slack stand-in', () => standin.close());
    const keyPath = path.join(dir, 'client_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fanout-bench', '-f', keyPath]);
    log('recording a real simulator host (sshd + SRS simulator) through the bot and a worker...');
    const rec = await recordHost({ dir, redisUrl: redis.url, redisClient, standin, clientKeyPath: keyPath, log });
    results.recording = describeRecording(rec.recording);
    results.recorded = rec.recording;
    await redisClient.flushall();
    standin.reset();
    const names = Array.from({ length: opts.hosts }, (_, i) => hostName(i, opts.hosts));
    const specs: ProcHostSpec[] = names.map((name, i) => {
      const b = behaviourOf(i, opts);
      return { name, refuseAuth: b === 'auth', scenario: b === 'down' ? 'down' : 'up' };
    });
    const t0 = Date.now();
    const fleet = await StandinProcs.start({
      dir: path.join(dir, 'standin'),
      clientPublicKeyPath: `${keyPath}.pub`,
      recording: rec.recording,
      hosts: specs,
      procs: opts.standinProcs,
    });
    cleanup.add('stand-in fleet', () => fleet.stop());
    results.standinProcs = fleet.procs;
    log(`stand-in fleet of ${opts.hosts} hosts in ${fleet.procs} processes listening in ${Date.now() - t0} ms`);
    const configPath = path.join(dir, 'config.yml');
    writeBenchConfig(configPath, {
      hosts: names.map((name) => standinEntry(rec.entry, RECORDED_NAME, name, fleet.port(name))),
      privateKeyPath: keyPath,
      knownHostsPath: fleet.knownHostsPath,
      concurrency: opts.concurrency,
    });
    const firstOk = names.find((_, i) => behaviourOf(i, opts) === 'ok') ?? RECORDED_NAME;
    const botJs = opts.botJs ? buildBot(cleanup) : undefined;
    const bot = new BotProcess({ redisUrl: redis.url, redisClient, standin, dir, botJs }, configPath, path.join(dir, 'bot.log'), firstOk);
    cleanup.add('bot', () => bot.stop());
    await bot.start();
    const shared = { opts, dir, configPath, redisUrl: redis.url, redisPid: redis.pid, bot, cleanup, fleet };
    for (const w of opts.skip.has('runs') ? [] : opts.workers) {
      results.workerHwmKb[String(w)] = [];
      for (let r = 1; r <= opts.runs; r += 1) {
        const pair = await coldWarm(shared, w, r);
        results.runs.push(...pair.runs);
        results.workerHwmKb[String(w)]?.push(...pair.hwmKb);
        write(results, opts, stamp);
      }
    }
    if (!opts.skip.has('accept')) results.accept.push(...(await acceptProbes(shared, redisClient)));
    if (!opts.skip.has('bursts')) results.bursts.push(...(await bursts(shared, redisClient)));
    const end = await fleet.stats();
    const unrecorded: Unrecorded[] = end.unrecorded;
    results.unrecorded = unrecorded.slice(0, 20);
    results.fleetStats = { ...end.stats };
    if (unrecorded.length > 0) throw new Error(`${unrecorded.length} unrecorded commands, e.g. ${JSON.stringify(unrecorded.slice(0, 3))}`);
  } finally {
    results.machine.loadAtEnd = loadAverages();
    await cleanup.runAll();
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
  const file = write(results, opts, stamp);
  process.stdout.write(renderFanoutReport(results));
  log(`results: ${file}.json and .md`);
}

/**
 * Compiles the product (`npm run build`'s tsc and Lua copy) into `.tmp/bench-dist-<pid>` in the repository (its
 * node_modules must resolve), removed at the end; returns the compiled run-bot.js.
 */
function buildBot(cleanup: Cleanup): string {
  const root = path.resolve(__dirname, '..');
  const out = path.join(root, '.tmp', `bench-dist-${process.pid}`);
  cleanup.add('compiled bot', () => Promise.resolve(fs.rmSync(out, { recursive: true, force: true })));
  log(`compiling the bot into ${out} (--bot-js)...`);
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', out], {
    cwd: root,
    stdio: 'inherit',
  });
  const lua = path.join('src', 'adapters', 'redis', 'lua');
  fs.mkdirSync(path.join(out, lua), { recursive: true });
  for (const f of fs.readdirSync(path.join(root, lua)))
    if (f.endsWith('.lua')) fs.copyFileSync(path.join(root, lua, f), path.join(out, lua, f));
  return path.join(out, 'src', 'app', 'run-bot.js');
}

interface Shared {
  opts: Options;
  dir: string;
  configPath: string;
  redisUrl: string;
  redisPid: number;
  bot: BotProcess;
  cleanup: Cleanup;
  fleet: StandinProcs;
}

async function startWorkers(s: Shared, count: number, tag: string): Promise<WorkerHandle[]> {
  const workers: WorkerHandle[] = [];
  for (let i = 0; i < count; i += 1)
    workers.push(
      await WorkerHandle.start({
        id: `w${i + 1}-${tag}`,
        configPath: s.configPath,
        redisUrl: s.redisUrl,
        logPath: path.join(s.dir, `worker-${tag}.log`),
      }),
    );
  return workers;
}

/** Fresh workers (empty SSH pools): `status all` cold, then warm (pooled connections); each waits for delivery. */
async function coldWarm(s: Shared, count: number, round: number): Promise<{ runs: FanoutRun[]; hwmKb: number[] }> {
  const tag = `${count}w-r${round}`;
  const workers = await startWorkers(s, count, tag);
  const stopAll = async (): Promise<number[]> => Promise.all(workers.map(async (w) => (await w.stop()).hwmKb));
  s.cleanup.add(`workers ${tag}`, async () => void (await stopAll()));
  const runs: FanoutRun[] = [];
  let stopped = false;
  try {
    for (const kind of ['cold', 'warm']) {
      s.bot.ctx.standin.reset();
      await s.fleet.stats(); // resets the stand-in processes' event-loop delay histograms
      await Promise.all(workers.map((w) => w.loopDelay())); // and the workers'
      const run = await fanoutRun(s.bot.ctx, workers, {
        label: `${count} worker${count > 1 ? 's' : ''}, ${kind}`,
        hosts: s.opts.hosts,
        timeoutMs: 300_000,
        deliverTimeoutMs: 300_000,
        redisPid: s.redisPid,
        fleetCpuMs: () => s.fleet.cpuMs(),
      });
      const loops = (await s.fleet.stats()).loops;
      run.standinLoop = { p99Ms: Math.max(...loops.map((l) => l.p99Ms)), maxMs: Math.max(...loops.map((l) => l.maxMs)) };
      const wl = await Promise.all(workers.map((w) => w.loopDelay()));
      run.workerLoop = { p99Ms: Math.max(...wl.map((l) => l.p99Ms)), maxMs: Math.max(...wl.map((l) => l.maxMs)) };
      log(
        `  ${run.label} (round ${round}): ack ${run.ackMs} ms, results in ${run.resultsInMs} ms, summary ${run.summaryMs} ms, delivered ${run.deliveredMs} ms; ${run.ok}/${run.results} ok ${JSON.stringify(run.notOk)}; slack ${JSON.stringify(run.slack)}; workers ${JSON.stringify(run.byWorker)}; stand-in loop delay ${JSON.stringify(run.standinLoop)}; worker loop delay ${JSON.stringify(run.workerLoop)}`,
      );
      runs.push(run);
      if (!Number.isFinite(run.deliveredMs)) await s.bot.reset();
    }
    stopped = true;
    return { runs, hwmKb: await stopAll() };
  } finally {
    s.cleanup.remove(`workers ${tag}`);
    if (!stopped) await stopAll();
  }
}

async function restartBot(s: Shared, redis: Redis): Promise<void> {
  await s.bot.stop();
  await redis.flushall();
  s.bot.ctx.standin.reset();
  await s.bot.start();
}

/** One `status all` at a time on an idle bot with no worker (Redis flushed before each): the accept path's work. */
async function acceptProbes(s: Shared, redis: Redis): Promise<AcceptProbe[]> {
  const out: AcceptProbe[] = [];
  for (let i = 1; i <= 5; i += 1) {
    await restartBot(s, redis);
    out.push(await acceptProbe(s.bot.ctx, redis));
    log(`  accept ${i}: ${JSON.stringify(out[out.length - 1])}`);
  }
  return out;
}

/** 50 simultaneous `status all`: with no worker (jobs only queue) and with one warm worker running. */
async function bursts(s: Shared, redis: Redis): Promise<FanoutBurst[]> {
  const out: FanoutBurst[] = [];
  const restart = (): Promise<void> => restartBot(s, redis);
  for (let b = 1; b <= s.opts.bursts; b += 1) {
    await restart();
    out.push(await fanoutBurst(s.bot.ctx, '50 x status all, no worker running', 50));
    log(`  burst ${b}: ${JSON.stringify(out[out.length - 1]?.summary)}`);
  }
  if (s.opts.bursts > 0) {
    await restart();
    const workers = await startWorkers(s, 1, 'burst');
    try {
      out.push(await fanoutBurst(s.bot.ctx, '50 x status all, one worker running', 50));
      log(`  burst with a worker: ${JSON.stringify(out[out.length - 1]?.summary)}`);
    } finally {
      for (const w of workers) await w.stop();
    }
    await restart();
  }
  return out;
}

function write(results: FanoutResults, opts: Options, stamp: string): string {
  fs.mkdirSync(opts.out, { recursive: true });
  const base = path.join(opts.out, `fanout-${stamp}-${opts.hosts}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(results, null, 1));
  fs.writeFileSync(`${base}.md`, renderFanoutReport(results));
  return base;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`fanout bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
