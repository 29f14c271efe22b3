/**
 * Fleet-scale benchmark (issue 8): `/srs status all` through the whole chat path (signed slash command -> Bolt HTTP
 * -> Redis/BullMQ -> worker process -> SSH -> SRS simulator -> Slack stand-in summary edit), side by side on the same
 * local fleet with `parallel-ssh -p 50`, `ansible -f 50 -m raw` and a bare ssh2 script (the floor); cold and warm
 * runs, ack latency under 50 concurrent commands, queue overhead, worker RSS with 200 concurrent hosts, and two
 * workers splitting a fan-out. Everything runs on 127.0.0.1.
 *
 *   npx tsx bench/fleet-bench.ts [--hosts 50,200] [--runs 5] [--skip pssh,ansible,floor,load,scaleout,rss]
 *                                [--login-user NAME] [--drain-up-to 50] [--keep] [--profile] [--out DIR]
 *
 * The fleet's SSH login user is the user running the bench. On a local fleet every host's sshd session and login
 * shell runs on this machine's CPUs; a heavy ~/.bashrc (bash sources it for every `ssh host cmd`) is then paid N
 * times on the same cores, by every tool alike. Run as root, `--login-user NAME` re-runs the whole bench as that
 * (unprivileged, created if missing, Debian's default non-interactive-safe ~/.bashrc) user, after installing the
 * packages as root. The report records the user and the measured cost of one remote command.
 *
 * Results: bench/results/fleet-<stamp>.json (raw) and .md (tables); the markdown is also printed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { parseConfig } from '../config/load-config';
import { ensurePackages } from '../test/support/ensure-packages';
import { requireSubreaper } from '../test/support/reaper/require-subreaper';
import { launchFleet, type Fleet, type HostSpec } from '../test/support/fleet';
import { startRedis, type RedisServer } from '../test/support/redis-server';
import { startSlackStandin, type SlackStandin } from '../test/support/slack/slack-standin';
import { waitUntil } from '../test/support/wait-until';
import { keys } from '../src/adapters/redis/keys';
import { CHANNEL, USER, WorkerHandle } from './lib/bot-client';
import { ackBurst, botStatusAll, waitResults, type AckBurst, type BotRun } from './lib/bot-runs';
import { BotProcess } from './lib/bot-process';
import {
  closeAnsibleMasters,
  ensurePeers,
  isRoot,
  measureExecCost,
  programVersion,
  runAnsible,
  runFloor,
  runPssh,
  writePeerFiles,
  type PeerRun,
} from './lib/peers';
import { establishedTo, foreignCpu, machineBusyMs } from './lib/proc';
import { renderReport, type BenchResults, type SizeResults } from './lib/report';
import { checkLoginUser, runAsUser } from './lib/run-as-user';

const MAX_HOSTS = 400;
const MAX_RUNS = 30;
/** `status <one host>` commands sent one after another to measure queue overhead without queueing. */
const SINGLE_JOBS = 20;

interface Options {
  sizes: number[];
  runs: number;
  skip: Set<string>;
  keep: boolean;
  profile: boolean;
  out: string;
  loginUser: string | undefined;
  /** Fleets up to this size wait for the summary edit on every bot run. */
  drainUpTo: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '50,200' },
      runs: { type: 'string', default: '5' },
      skip: { type: 'string', default: '' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(__dirname, 'results') },
      'login-user': { type: 'string' },
      'drain-up-to': { type: 'string', default: '50' },
    },
  });
  const sizes = values.hosts.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_HOSTS))
    throw new Error(`--hosts: integers 1..${MAX_HOSTS}, comma separated`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) throw new Error(`--runs: 1..${MAX_RUNS}`);
  return {
    sizes,
    runs,
    skip: new Set(
      values.skip
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    keep: values.keep,
    profile: values.profile,
    out: path.resolve(values.out),
    loginUser: checkLoginUser(values['login-user']),
    drainUpTo: Number(values['drain-up-to']),
  };
}

function log(msg: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
}

function sh(cmd: string): string {
  try {
    return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    return (e.stderr ?? e.message ?? '?').trim();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function hostSpecs(n: number): HostSpec[] {
  const width = String(n).length < 3 ? 3 : String(n).length;
  return Array.from({ length: n }, (_, i) => ({ name: `h${String(i + 1).padStart(width, '0')}` }));
}

/** Stops what was started, in reverse order, on success, on error and on Ctrl-C. */
class Cleanup {
  private readonly steps: Array<{ name: string; run: () => Promise<void> }> = [];
  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }
  remove(name: string): void {
    const i = this.steps.findIndex((s) => s.name === name);
    if (i >= 0) this.steps.splice(i, 1);
  }
  async runAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      try {
        await step.run();
      } catch (err) {
        log(`cleanup ${step.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

interface Shared {
  opts: Options;
  dir: string;
  redis: RedisServer;
  redisClient: Redis;
  standin: SlackStandin;
  peers: ReturnType<typeof ensurePeers>;
  cleanup: Cleanup;
}

/**
 * The bot config for the fleet with the product's defaults (config/schema.ts), not the test suite's shortened
 * timeouts: only the login, key, known_hosts, hosts, `worker.concurrency` and the Slack roles are set.
 */
function writeConfig(fleet: Fleet, file: string, concurrency: number): void {
  const doc = fleet.toConfigObject({
    extra: { slack: { allowedChannels: [CHANNEL], roles: { admin: [], operator: [USER], viewer: [] } } },
  });
  doc.ssh = { user: fleet.user, privateKeyPath: fleet.clientKeyPath, knownHostsPath: fleet.knownHostsPath };
  doc.worker = { concurrency };
  parseConfig(doc, file);
  fs.writeFileSync(file, stringify(doc));
}

interface Pair {
  cold: BotRun;
  warm: BotRun;
  rss: Array<{ idleRssKb: number; maxRssKb: number; hwmKb: number }>;
  connsBeforeWarm: number;
  connsAfterWarm: number;
}

/**
 * Fresh worker process(es) (cold SSH pool), one `status all` (cold), then another right after (warm: within the
 * 60 s idle timeout). `drain`: wait for the summary edit in the stand-in; otherwise for every host's result.
 */
async function coldWarm(
  s: Shared,
  bot: BotProcess,
  configPath: string,
  n: number,
  label: string,
  tag: string,
  o: { workers?: number; drain: boolean; warm?: boolean },
): Promise<Pair> {
  const workers: WorkerHandle[] = [];
  const count = o.workers ?? 1;
  const stopAll = async (): Promise<void> => {
    for (const w of workers) await w.stop();
  };
  s.cleanup.add(`workers ${tag}`, stopAll);
  try {
    for (let i = 0; i < count; i += 1) {
      workers.push(
        await WorkerHandle.start({
          id: count === 1 ? `w-${tag}` : `w${i + 1}-${tag}`,
          configPath,
          redisUrl: s.redis.url,
          logPath: path.join(s.dir, `worker-${n}.log`),
          nodeArgs: s.opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(s.dir, 'profiles')}`] : [],
        }),
      );
    }
    const timeout = 120_000 + n * 2000;
    const afterRun = async (run: BotRun): Promise<void> => {
      if (!o.drain) {
        await bot.reset();
        return;
      }
      // The compact table follows the summary edit: let the bot finish delivering (request marked done) before the
      // stand-in forgets the thread, or the table's posts would fail and be retried (not part of the measurement).
      await waitUntil(async () => (await s.redisClient.hexists(keys.request(run.requestId), 'done')) === 1, {
        timeoutMs: 120_000,
        intervalMs: 50,
        description: `request ${run.requestId} done`,
      });
      s.standin.reset();
    };
    const cold = await botStatusAll(bot.ctx, workers, `${label} cold`, n, timeout, o.drain);
    await afterRun(cold);
    const sshPorts = new Set(readSshPorts(configPath));
    const connsBeforeWarm = workers.reduce((sum, w) => sum + establishedTo(w.pid, sshPorts), 0);
    let warm = cold;
    let connsAfterWarm = Number.NaN;
    if (o.warm !== false) {
      warm = await botStatusAll(bot.ctx, workers, `${label} warm`, n, timeout, o.drain);
      connsAfterWarm = workers.reduce((sum, w) => sum + establishedTo(w.pid, sshPorts), 0);
      await afterRun(warm);
    }
    const rss = [];
    for (const w of workers) rss.push({ idleRssKb: w.idleRssKb, ...(await w.stop()) });
    return { cold, warm, rss, connsBeforeWarm, connsAfterWarm };
  } finally {
    await stopAll();
    s.cleanup.remove(`workers ${tag}`);
  }
}

function readSshPorts(configPath: string): number[] {
  const text = fs.readFileSync(configPath, 'utf8');
  return [...text.matchAll(/^\s+port: (\d+)$/gm)].map((m) => Number(m[1]));
}

async function peerRound(
  s: Shared,
  fleet: Fleet,
  files: ReturnType<typeof writePeerFiles>,
  n: number,
  round: string,
  out: SizeResults,
): Promise<void> {
  const record = (name: string, r: PeerRun): void => {
    (out.peers[name] ??= []).push(r);
    if (r.cpuMs !== undefined) r.cpuMs = Math.round(r.cpuMs);
    log(
      `  ${name} ${round}: ${r.ms.toFixed(0)} ms (${r.ok}/${n} ok${r.failed > 0 ? `, ${r.failed} failed` : ''}) machine CPU ${r.cpuMs ?? '?'} ms, other users ${r.foreignCpuMs ?? '?'} ms${r.note ? ` ${r.note.slice(0, 300)}` : ''}`,
    );
  };
  const withCpu = async (run: () => Promise<PeerRun>): Promise<PeerRun> => {
    const c0 = machineBusyMs();
    const f0 = foreignCpu().foreignMs();
    const r = await run();
    return { ...r, cpuMs: machineBusyMs() - c0, foreignCpuMs: foreignCpu().foreignMs() - f0 };
  };
  if (!s.opts.skip.has('floor')) record('ssh2 floor', await withCpu(() => runFloor(files)));
  await sleep(300);
  if (s.peers.pssh && !s.opts.skip.has('pssh'))
    record('parallel-ssh -p 50', await withCpu(() => runPssh(s.peers.pssh as string, fleet, files, 50)));
  await sleep(300);
  if (s.peers.ansible && !s.opts.skip.has('ansible')) {
    const controlDir = path.join(os.tmpdir(), `sb-cp-${process.pid}-${n}-${round.replace(/\W/g, '')}`);
    s.cleanup.add(`ansible masters ${controlDir}`, () => closeAnsibleMasters(controlDir));
    try {
      const ansible = s.peers.ansible;
      record('ansible -f 50 -m raw', await withCpu(() => runAnsible(ansible, files, 50, controlDir, path.join(s.dir, 'ansible-home'))));
      record(
        'ansible -f 50 -m raw (warm, ControlPersist)',
        await withCpu(() => runAnsible(ansible, files, 50, controlDir, path.join(s.dir, 'ansible-home'))),
      );
    } finally {
      await closeAnsibleMasters(controlDir);
      s.cleanup.remove(`ansible masters ${controlDir}`);
    }
  }
  await sleep(300);
}

function logBot(r: BotRun): void {
  log(
    `  bot ${r.label}: summary edit ${Number.isFinite(r.e2eMs) ? `${r.e2eMs} ms` : 'not waited'}, all results ${r.lastResultMs} ms (ack ${r.ackMs}, parent ${r.parentMs}, first start ${r.firstStartMs}, last start ${r.lastStartMs}) ${r.ok}/${r.hosts} ok [${Object.entries(
      r.byWorker,
    )
      .map(([w, c]) => `${w}:${c}`)
      .join(
        ' ',
      )}] cpu worker ${r.workerCpuMs} bot ${r.botCpuMs} machine ${r.machineCpuMs ?? '?'} other users ${r.foreignCpuMs ?? '?'}${Object.keys(r.notOk).length > 0 ? ` NOT OK: ${JSON.stringify(r.notOk)}` : ''}`,
  );
}

function rssOf(pair: Pair, i = 0): { idleRssKb: number; maxRssKb: number; hwmKb: number } {
  return pair.rss[i] ?? { idleRssKb: Number.NaN, maxRssKb: Number.NaN, hwmKb: Number.NaN };
}

async function runSize(s: Shared, n: number, isLargest: boolean): Promise<SizeResults> {
  const out: SizeResults = {
    hosts: n,
    fleetLaunchMs: 0,
    execCostMs: [],
    peers: {},
    bot: [],
    botConcurrencyN: [],
    scaleOut: [],
    bursts: [],
    rss: [],
    connections: [],
  };
  const fleetDir = path.join(s.dir, `fleet-${n}`);
  log(`fleet of ${n}: launching sshd + SRS simulator hosts...`);
  const t0 = Date.now();
  const fleet = await launchFleet({ dir: fleetDir, hosts: hostSpecs(n) });
  s.cleanup.add(`fleet ${n}`, () => fleet.stop());
  out.fleetLaunchMs = Date.now() - t0;
  log(`fleet of ${n}: up in ${(out.fleetLaunchMs / 1000).toFixed(1)} s`);
  const configDefault = path.join(s.dir, `config-${n}-c50.yml`);
  writeConfig(fleet, configDefault, 50);
  const configAll = path.join(s.dir, `config-${n}-c${n}.yml`);
  writeConfig(fleet, configAll, n);
  const files = writePeerFiles(
    fleet,
    path.join(s.dir, `peers-${n}`),
    fleet.hosts.map((h) => h.name),
  );
  out.execCostMs = await measureExecCost(files);
  log(`fleet of ${n}: one remote \`true\` on an open connection: ${out.execCostMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  const bot = new BotProcess(
    {
      redisUrl: s.redis.url,
      redisClient: s.redisClient,
      standin: s.standin,
      dir: s.dir,
      profileDir: s.opts.profile ? path.join(s.dir, 'profiles') : undefined,
    },
    configDefault,
    path.join(s.dir, `bot-${n}.log`),
    fleet.hosts[0]?.name ?? 'h001',
  );
  s.cleanup.add(`bot ${n}`, () => bot.stop());
  // Summary edits are waited for on every run up to 50 hosts; above, once (cold): they take ~1 s per host.
  const drainAll = n <= s.opts.drainUpTo;
  try {
    await bot.start();
    log(`fleet of ${n}: warm-up round (discarded)`);
    const scratch: SizeResults = { ...out, peers: {} };
    await peerRound(s, fleet, files, n, 'warm-up', scratch);
    logBot((await coldWarm(s, bot, configDefault, n, 'warm-up', `${n}-warmup`, { drain: false, warm: false })).cold);
    if (!drainAll && !s.opts.skip.has('summary')) {
      log(`fleet of ${n}: one cold run waiting for the summary edit (paced thread replies: ~1 s per host)`);
      const pair = await coldWarm(s, bot, configDefault, n, 'c=50 summary', `${n}-summary`, { drain: true, warm: false });
      logBot(pair.cold);
      out.bot.push(pair.cold);
    }
    for (let r = 1; r <= s.opts.runs; r += 1) {
      log(`fleet of ${n}: run ${r}/${s.opts.runs}`);
      await peerRound(s, fleet, files, n, `run ${r}`, out);
      const pair = await coldWarm(s, bot, configDefault, n, 'c=50', `${n}-r${r}`, { drain: drainAll });
      logBot(pair.cold);
      logBot(pair.warm);
      out.bot.push(pair.cold, pair.warm);
      out.rss.push({ label: `${n} hosts, concurrency 50`, ...rssOf(pair) });
      out.connections.push({ label: `${n} hosts, concurrency 50`, beforeWarm: pair.connsBeforeWarm, afterWarm: pair.connsAfterWarm });
      await sleep(500);
    }
    if (n > 50 && !s.opts.skip.has('rss')) {
      for (let r = 1; r <= s.opts.runs; r += 1) {
        log(`fleet of ${n}: worker.concurrency ${n} (all hosts at once), run ${r}/${s.opts.runs}`);
        const pair = await coldWarm(s, bot, configAll, n, `c=${n}`, `${n}-all-r${r}`, { drain: false });
        logBot(pair.cold);
        logBot(pair.warm);
        out.botConcurrencyN.push(pair.cold, pair.warm);
        out.rss.push({ label: `${n} hosts, concurrency ${n}`, ...rssOf(pair) });
        out.connections.push({ label: `${n} hosts, concurrency ${n}`, beforeWarm: pair.connsBeforeWarm, afterWarm: pair.connsAfterWarm });
        await sleep(500);
      }
    }
    if (isLargest && !s.opts.skip.has('scaleout')) {
      for (let r = 1; r <= s.opts.runs; r += 1) {
        log(`fleet of ${n}: two workers (concurrency 50 each), run ${r}/${s.opts.runs}`);
        const pair = await coldWarm(s, bot, configDefault, n, '2 workers', `${n}-so-r${r}`, { workers: 2, drain: false });
        logBot(pair.cold);
        logBot(pair.warm);
        out.scaleOut.push(pair.cold, pair.warm);
        out.rss.push(
          { label: `${n} hosts, 2 workers x concurrency 50`, ...rssOf(pair, 0) },
          { label: `${n} hosts, 2 workers x concurrency 50`, ...rssOf(pair, 1) },
        );
        await sleep(500);
      }
    }
    if (!s.opts.skip.has('load')) {
      out.singleJobs = [];
      out.bursts.push(...(await loadBursts(s, bot, fleet, configDefault, n, out.singleJobs)));
    }
  } finally {
    await bot.stop();
    s.cleanup.remove(`bot ${n}`);
    await fleet.stop();
    s.cleanup.remove(`fleet ${n}`);
    await s.redisClient.flushall();
  }
  out.botRestarts = bot.restarts;
  return out;
}

/**
 * 50 concurrent signed commands. With a warm worker running (its SSH work, and on a local fleet the hosts' sshd and
 * probe processes, share the CPUs with the bot): `status <one host>` x 50, 5 bursts. With no worker running (jobs
 * only queue: the bot's own ack capacity): 3 bursts, a worker started afterwards to run them. `status all` x 50 (1
 * burst each way, fleets up to 50 hosts). After each burst every job's result is awaited, then the bot is reset (its
 * paced thread delivery of a burst would take minutes).
 */
async function loadBursts(
  s: Shared,
  bot: BotProcess,
  fleet: Fleet,
  configPath: string,
  n: number,
  singleJobs: BotRun[],
): Promise<AckBurst[]> {
  const bursts: AckBurst[] = [];
  let worker: WorkerHandle | undefined;
  const startWorker = async (): Promise<WorkerHandle> => {
    worker = await WorkerHandle.start({
      id: `w-load-${n}`,
      configPath,
      redisUrl: s.redis.url,
      logPath: path.join(s.dir, `worker-${n}.log`),
    });
    return worker;
  };
  const stopWorker = async (): Promise<void> => {
    if (worker) await worker.stop();
    worker = undefined;
  };
  s.cleanup.add(`load worker ${n}`, stopWorker);
  const names = fleet.hosts.map((h) => h.name).slice(0, 50);
  const single = Array.from({ length: 50 }, (_, i) => `status ${names[i % names.length] as string}`);
  const all = Array.from({ length: 50 }, () => 'status all');
  const report = (b: AckBurst, k: number): void => {
    log(
      `  burst ${k}: ${b.label}: ack p50 ${pct(b.ackMs, 50)} p99 ${pct(b.ackMs, 99)} max ${Math.max(...b.ackMs)} ms (${b.statuses.filter((st) => st !== 200).length} non-200), all ${b.jobs} results in ${b.drainMs} ms`,
    );
    bursts.push(b);
  };
  try {
    const w = await startWorker();
    await botStatusAll(bot.ctx, [w], 'pool warm-up', n, 120_000 + n * 2000, false);
    await bot.reset();
    // Queue overhead without queueing: one `status <host>` at a time (distinct hosts, pooled connections, nothing
    // else running), from the job's enqueue to its first SSH command line.
    const singles: BotRun[] = [];
    for (let i = 0; i < SINGLE_JOBS; i += 1) {
      const host = names[i % names.length] as string;
      singles.push(await botStatusAll(bot.ctx, [w], 'one job at a time', 1, 30_000, false, `status ${host}`));
      await sleep(50);
    }
    const sq = singles.flatMap((r) => r.queueToCommandMs);
    log(
      `  one job at a time x ${singles.length}: enqueue -> first SSH command p50 ${pct(sq, 50)} p99 ${pct(sq, 99)} ms; -> job.started p50 ${pct(
        singles.flatMap((r) => r.queueToStartMs),
        50,
      )} ms`,
    );
    singleJobs.push(...singles);
    await bot.reset();
    for (let b = 1; b <= 5; b += 1) {
      report(await ackBurst(bot.ctx, '50 x status <one host>, worker running', single, 1, 120_000), b);
      await w.flush();
      await bot.reset();
      await sleep(1000);
    }
    if (n <= 50) {
      report(await ackBurst(bot.ctx, '50 x status all, worker running', all, n, 900_000), 1);
      await w.flush();
      await bot.reset();
    }
    await stopWorker();
    const queuedOnly = async (label: string, texts: readonly string[], perCommand: number, k: number): Promise<void> => {
      const acks = await ackBurst(bot.ctx, label, texts, 0, 10_000);
      const t = Date.now();
      const w2 = await startWorker();
      const ids = acks.requestIds;
      const last = await waitResults(s.redisClient, ids, ids.length * perCommand, t - 60_000, 900_000);
      report({ ...acks, jobs: ids.length * perCommand, drainMs: last - t }, k);
      await w2.flush();
      await bot.reset();
      await stopWorker();
      await sleep(1000);
    };
    for (let b = 1; b <= 3; b += 1) await queuedOnly('50 x status <one host>, no worker running (jobs queue)', single, 1, b);
    if (n <= 50) await queuedOnly('50 x status all, no worker running (jobs queue)', all, n, 1);
  } finally {
    await stopWorker();
    s.cleanup.remove(`load worker ${n}`);
  }
  return bursts;
}

function pct(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ?? Number.NaN;
}

function describeMachine(peers: ReturnType<typeof ensurePeers>): BenchResults['machine'] {
  return {
    loginUser: `${os.userInfo().username} (shell ${os.userInfo().shell ?? '?'})`,
    commit: sh(
      `cd ${path.resolve(__dirname, '..')} && git -c safe.directory='*' rev-parse --short HEAD && git -c safe.directory='*' status --porcelain --untracked-files=no | wc -l`,
    )
      .split('\n')
      .join(', files changed: '),
    date: new Date().toISOString(),
    nproc: sh('nproc'),
    cpu: sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim(),
    free: sh('free -h'),
    kernel: sh('uname -sr'),
    os: sh('. /etc/os-release && echo "$PRETTY_NAME"'),
    node: process.version,
    openssh: sh('ssh -V 2>&1'),
    redis: sh('redis-server --version'),
    pssh: peers.pssh ? programVersion(peers.pssh, ['--version']) : 'not installed',
    ansible: peers.ansible ? programVersion(peers.ansible, ['--version']) : 'not installed',
  };
}

async function main(): Promise<void> {
  const opts = parseOptions();
  if (opts.loginUser !== undefined) {
    await runAsUser('fleet-bench.ts', opts.out, opts.loginUser, opts.keep, log);
    return;
  }
  requireSubreaper();
  ensurePackages();
  const peers = ensurePeers(true);
  for (const note of peers.notes) log(`note: ${note}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-bench-'));
  log(`bench dir ${dir}`);
  const cleanup = new Cleanup();
  const onSignal = (): void => {
    log('interrupted: cleaning up');
    void cleanup.runAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (!isRoot())
    peers.notes.push(
      "the fleet's sshd runs unprivileged and cannot allocate a pty: ansible runs `-m raw` with ANSIBLE_SSH_USETTY=False (no `ssh -tt`)",
    );
  const results: BenchResults = {
    machine: describeMachine(peers),
    notes: [...peers.notes],
    options: { sizes: opts.sizes, runs: opts.runs, skip: [...opts.skip] },
    sizes: [],
  };
  stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  try {
    const redis = await startRedis({ dir: path.join(dir, 'redis') });
    cleanup.add('redis', () => redis.stop());
    const redisClient = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    cleanup.add('redis client', () => Promise.resolve(redisClient.disconnect()));
    const standin = await startSlackStandin();
    cleanup.add('standin', () => standin.close());
    const shared: Shared = { opts, dir, redis, redisClient, standin, peers, cleanup };
    const largest = Math.max(...opts.sizes);
    for (const n of opts.sizes) {
      results.sizes.push(await runSize(shared, n, n === largest));
      writeResults(results, opts.out);
    }
  } finally {
    await cleanup.runAll();
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
  const file = writeResults(results, opts.out);
  process.stdout.write(renderReport(results));
  log(`results: ${file} (.json and .md)`);
}

let stamp = 'unset';
function writeResults(results: BenchResults, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `fleet-${stamp}-${results.options.sizes.join('-')}-${os.userInfo().username}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(results, null, 1));
  fs.writeFileSync(`${base}.md`, renderReport(results));
  return base;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`fleet-bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
