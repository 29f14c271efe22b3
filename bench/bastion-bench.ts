/**
 * Fan-outs through a bastion (issue 18): `/srs status all` through the whole chat path (signed slash command -> bot ->
 * Redis/BullMQ -> worker process -> SSH -> SRS simulator -> Slack stand-in) on a local fleet of N hosts, (a) direct
 * and (b) every host behind ONE bastion (`bastions: [bastion-1]`, `jump: bastion-1` on each host): an extra real
 * sshd of the fleet that runs nothing and only forwards. Cold and warm (pooled) runs of each; the established TCP
 * connections to the bastion's port during and after each run (one per worker process expected), the bastion
 * sshd's CPU; and the same through the same bastion with `parallel-ssh -J` and `ansible -m raw` with ProxyJump.
 *
 *   npm run bench:bastion -- [--hosts 50,200] [--runs 3] [--skip pssh,ansible] [--login-user NAME] [--workers 1]
 *                            [--drain-up-to 50] [--keep] [--out DIR]
 *
 * As root, `--login-user srs-bench` runs the whole bench as that unprivileged user (see bench:fleet): the fleet's
 * login shell then has Debian's default dotfiles, not root's.
 *
 * Results: bench/results/bastion-<stamp>.json (raw) and .md (tables); the markdown is also printed.
 */
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
import { startRedis } from '../test/support/redis-server';
import { startSlackStandin } from '../test/support/slack/slack-standin';
import { waitUntil } from '../test/support/wait-until';
import { keys } from '../src/adapters/redis/keys';
import { CHANNEL, USER, WorkerHandle } from './lib/bot-client';
import { botStatusAll, type BotRun } from './lib/bot-runs';
import { BotProcess } from './lib/bot-process';
import { Cleanup } from './lib/cleanup';
import { ConnectionSampler, treeCpuMs } from './lib/bastion-probe';
import { renderBastionReport, type BastionResults, type BastionSize, type BotPair, type Mode, type PeerRecord } from './lib/bastion-report';
import { runPsshVia, writeJumpPeerFiles, type JumpPeerFiles } from './lib/jump-peers';
import { describeMachine, loadAverages } from './lib/machine';
import {
  closeAnsibleMasters,
  ensurePeers,
  isRoot,
  measureExecCost,
  runAnsible,
  runPssh,
  writePeerFiles,
  type PeerFiles,
  type PeerRun,
} from './lib/peers';
import { checkLoginUser, runAsUser } from './lib/run-as-user';
import { establishedTo, foreignCpu, machineBusyMs } from './lib/proc';

const MAX_HOSTS = 400;
const MAX_RUNS = 30;
const BASTION_HOST = 'bastion1';
const BASTION_NAME = 'bastion-1';

interface Options {
  sizes: number[];
  runs: number;
  skip: Set<string>;
  keep: boolean;
  out: string;
  drainUpTo: number;
  loginUser: string | undefined;
  /** Worker processes per bot run (each with its own SSH pool). */
  workers: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '50' },
      runs: { type: 'string', default: '3' },
      skip: { type: 'string', default: '' },
      keep: { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(__dirname, 'results') },
      'drain-up-to': { type: 'string', default: '50' },
      'login-user': { type: 'string' },
      workers: { type: 'string', default: '1' },
    },
  });
  const sizes = values.hosts.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_HOSTS))
    throw new Error(`--hosts: integers 1..${MAX_HOSTS}, comma separated`);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 4) throw new Error('--workers: 1..4');
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) throw new Error(`--runs: 1..${MAX_RUNS}`);
  const skip = new Set(
    values.skip
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return {
    sizes,
    runs,
    skip,
    keep: values.keep,
    out: path.resolve(values.out),
    drainUpTo: Number(values['drain-up-to']),
    loginUser: checkLoginUser(values['login-user']),
    workers,
  };
}

function log(msg: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Shared by every fleet size. */
interface Shared {
  opts: Options;
  dir: string;
  redisUrl: string;
  redisClient: Redis;
  standin: Awaited<ReturnType<typeof startSlackStandin>>;
  peers: ReturnType<typeof ensurePeers>;
  cleanup: Cleanup;
}

/** One fleet size: the fleet, its bastion, the two configs, the peers' files. */
interface SizeSetup {
  n: number;
  fleet: Fleet;
  names: string[];
  bastionPort: number;
  bastionSshdPid: () => number;
  targetPorts: Set<number>;
  configs: Record<Mode, string>;
  direct: PeerFiles;
  jump: JumpPeerFiles;
}

/**
 * The bot config with the product's defaults (config/schema.ts): only the login, key, known_hosts, hosts,
 * `worker.concurrency` and the Slack roles; through the bastion, `bastions` and each host's `jump`. The hosts'
 * addresses are those the bastion sees, here the same 127.0.0.1:port.
 */
function writeConfig(fleet: Fleet, names: readonly string[], file: string, mode: Mode, bastionPort: number): void {
  const jump = Object.fromEntries(names.map((n) => [n, { jump: BASTION_NAME }]));
  const doc = fleet.toConfigObject({
    hostNames: names,
    ...(mode === 'bastion' ? { hostExtra: jump } : {}),
    extra: { slack: { allowedChannels: [CHANNEL], roles: { admin: [], operator: [USER], viewer: [] } } },
  });
  doc.ssh = { user: fleet.user, privateKeyPath: fleet.clientKeyPath, knownHostsPath: fleet.knownHostsPath };
  doc.worker = { concurrency: 50 };
  if (mode === 'bastion') doc.bastions = [{ name: BASTION_NAME, address: '127.0.0.1', port: bastionPort }];
  const parsed = parseConfig(doc, file);
  if (mode === 'bastion' && !parsed.hosts.every((h) => h.jump?.[0] === BASTION_NAME))
    throw new Error('bastion config: a host without jump');
  fs.writeFileSync(file, stringify(doc));
}

async function setUp(s: Shared, n: number, out: BastionSize): Promise<SizeSetup> {
  const width = Math.max(3, String(n).length);
  const names = Array.from({ length: n }, (_, i) => `h${String(i + 1).padStart(width, '0')}`);
  const specs: HostSpec[] = [...names.map((name) => ({ name })), { name: BASTION_HOST, startSrs: false }];
  log(`fleet of ${n} + the bastion: launching...`);
  const t0 = Date.now();
  const fleet = await launchFleet({ dir: path.join(s.dir, `fleet-${n}`), hosts: specs });
  s.cleanup.add(`fleet ${n}`, () => fleet.stop());
  out.fleetLaunchMs = Date.now() - t0;
  const bastionPort = fleet.host(BASTION_HOST).sshPort;
  log(`fleet of ${n}: up in ${(out.fleetLaunchMs / 1000).toFixed(1)} s; the bastion is sshd 127.0.0.1:${bastionPort}`);
  const configs = { direct: path.join(s.dir, `config-${n}-direct.yml`), bastion: path.join(s.dir, `config-${n}-bastion.yml`) };
  for (const mode of ['direct', 'bastion'] as const) writeConfig(fleet, names, configs[mode], mode, bastionPort);
  const direct = writePeerFiles(fleet, path.join(s.dir, `peers-${n}`), names);
  const jump = writeJumpPeerFiles(fleet, path.join(s.dir, `peers-${n}-jump`), direct, names, { user: fleet.user, port: bastionPort });
  return {
    n,
    fleet,
    names,
    bastionPort,
    bastionSshdPid: () => fleet.host(BASTION_HOST).sshdPid,
    targetPorts: new Set(names.map((name) => fleet.host(name).sshPort)),
    configs,
    direct,
    jump,
  };
}

/** Runs `work` while sampling the connections to the bastion and its sshd's CPU. */
async function watchBastion<T>(setup: SizeSetup, work: () => Promise<T>): Promise<{ value: T; connsMax: number; cpuMs: number }> {
  const pid = setup.bastionSshdPid();
  const cpu0 = treeCpuMs(pid);
  const sampler = new ConnectionSampler(setup.bastionPort);
  try {
    const value = await work();
    return { value, connsMax: await sampler.stop(), cpuMs: treeCpuMs(pid) - cpu0 };
  } finally {
    await sampler.stop();
  }
}

async function withMachineCpu(run: () => Promise<PeerRun>): Promise<PeerRun> {
  const c0 = machineBusyMs();
  const f0 = foreignCpu().foreignMs();
  const r = await run();
  return { ...r, cpuMs: Math.round(machineBusyMs() - c0), foreignCpuMs: foreignCpu().foreignMs() - f0 };
}

function logPeer(name: string, mode: Mode, r: PeerRecord, n: number): void {
  const via = mode === 'bastion' ? `, bastion: ${r.bastionConnsMax ?? '?'} connections max, sshd CPU ${r.bastionCpuMs ?? '?'} ms` : '';
  log(
    `  ${name} ${mode}: ${r.ms.toFixed(0)} ms (${r.ok}/${n} ok${r.failed > 0 ? `, ${r.failed} failed` : ''}) machine CPU ${r.cpuMs ?? '?'} ms${via}${r.note ? ` NOTE ${r.note.slice(0, 300)}` : ''}`,
  );
}

/** One peer run in one mode, recorded in `out.peers[name][mode]` (unless `out` is undefined: a discarded warm-up). */
async function peerRun(
  setup: SizeSetup,
  out: BastionSize | undefined,
  name: string,
  mode: Mode,
  run: () => Promise<PeerRun>,
): Promise<void> {
  const loadAvg1 = os.loadavg()[0] ?? Number.NaN;
  let rec: PeerRecord;
  if (mode === 'bastion') {
    const w = await watchBastion(setup, () => withMachineCpu(run));
    rec = { ...w.value, bastionConnsMax: w.connsMax, bastionCpuMs: w.cpuMs, loadAvg1 };
  } else {
    rec = { ...(await withMachineCpu(run)), loadAvg1 };
  }
  logPeer(name, mode, rec, setup.n);
  if (out) (out.peers[name] ??= { direct: [], bastion: [] })[mode].push(rec);
  await sleep(300);
}

async function peerRound(s: Shared, setup: SizeSetup, out: BastionSize | undefined, round: string): Promise<void> {
  const { pssh, ansible } = s.peers;
  if (pssh && !s.opts.skip.has('pssh')) {
    await peerRun(setup, out, 'parallel-ssh -p 50', 'direct', () => runPssh(pssh, setup.fleet, setup.direct, 50));
    await peerRun(setup, out, 'parallel-ssh -p 50', 'bastion', () => runPsshVia(pssh, setup.jump, 50));
  }
  if (!ansible || s.opts.skip.has('ansible')) return;
  for (const mode of ['direct', 'bastion'] as const) {
    const controlDir = path.join(os.tmpdir(), `bb-cp-${process.pid}-${setup.n}-${mode}-${round.replace(/\W/g, '')}`);
    s.cleanup.add(`ansible masters ${controlDir}`, () => closeAnsibleMasters(controlDir));
    const sessionCpu0 = treeCpuMs(setup.bastionSshdPid());
    try {
      const files = mode === 'direct' ? setup.direct : setup.jump.peer;
      const run = (): Promise<PeerRun> => runAnsible(ansible, files, 50, controlDir, path.join(s.dir, 'ansible-home'));
      await peerRun(setup, out, 'ansible -f 50 -m raw', mode, run);
      await peerRun(setup, out, 'ansible -f 50 -m raw (warm, ControlPersist)', mode, run);
      if (mode === 'bastion' && out) out.ansibleSessionCpuMs.push(treeCpuMs(setup.bastionSshdPid()) - sessionCpu0);
    } finally {
      await closeAnsibleMasters(controlDir);
      s.cleanup.remove(`ansible masters ${controlDir}`);
    }
  }
}

function logBot(mode: Mode, r: BotRun): void {
  log(
    `  bot ${mode} ${r.label}: summary edit ${Number.isFinite(r.e2eMs) ? `${r.e2eMs} ms` : 'not waited'}, all results ${r.lastResultMs} ms (ack ${r.ackMs}, last start ${r.lastStartMs}) ${r.ok}/${r.hosts} ok, cpu worker ${r.workerCpuMs} bot ${r.botCpuMs} machine ${r.machineCpuMs ?? '?'}${Object.keys(r.notOk).length > 0 ? ` NOT OK: ${JSON.stringify(r.notOk)}` : ''}`,
  );
}

/**
 * A fresh worker process (cold SSH pool) on the mode's config: one `status all` (cold), then another right after
 * (warm, within the pool's idle timeout). Counts the worker's connections to the bastion and to the targets after
 * each. `drain`: wait for the summary edit; otherwise for every result, then reset the bot's delivery backlog.
 */
async function botPair(s: Shared, setup: SizeSetup, bot: BotProcess, mode: Mode, tag: string, drain: boolean): Promise<BotPair> {
  const loadAvg1 = os.loadavg()[0] ?? Number.NaN;
  const sessionCpu0 = treeCpuMs(setup.bastionSshdPid());
  const workers: WorkerHandle[] = [];
  const stopAll = async (): Promise<void> => {
    for (const w of workers) await w.stop();
  };
  s.cleanup.add(`workers ${tag}`, stopAll);
  for (let i = 1; i <= s.opts.workers; i += 1)
    workers.push(
      await WorkerHandle.start({
        id: `w${i}-${mode}-${tag}`,
        configPath: setup.configs[mode],
        redisUrl: s.redisUrl,
        logPath: path.join(s.dir, `worker-${setup.n}-${mode}.log`),
      }),
    );
  const timeout = 120_000 + setup.n * 2000;
  const afterRun = async (run: BotRun): Promise<void> => {
    if (!drain) return bot.reset();
    await waitUntil(async () => (await s.redisClient.hexists(keys.request(run.requestId), 'done')) === 1, {
      timeoutMs: 120_000,
      intervalMs: 50,
      description: `request ${run.requestId} done`,
    });
    s.standin.reset();
  };
  const bastionPorts = new Set([setup.bastionPort]);
  const one = async (kind: 'cold' | 'warm') => {
    const w = await watchBastion(setup, () => botStatusAll(bot.ctx, workers, kind, setup.n, timeout, drain));
    const count = (ports: ReadonlySet<number>): number => workers.reduce((sum, wk) => sum + establishedTo(wk.pid, ports), 0);
    const conns = [count(bastionPorts), count(setup.targetPorts)] as const;
    logBot(mode, w.value);
    log(
      `    connections of the ${workers.length} worker(s): to the bastion ${conns[0]}, to targets directly ${conns[1]}; bastion: ${w.connsMax} max, sshd CPU ${w.cpuMs} ms`,
    );
    await afterRun(w.value);
    return { ...w, conns };
  };
  try {
    const cold = await one('cold');
    const warm = await one('warm');
    return {
      cold: cold.value,
      warm: warm.value,
      workerToBastion: [cold.conns[0], warm.conns[0]],
      workerToTargets: [cold.conns[1], warm.conns[1]],
      bastionConnsMax: [cold.connsMax, warm.connsMax],
      bastionCpuMs: [cold.cpuMs, warm.cpuMs],
      bastionSessionCpuMs: treeCpuMs(setup.bastionSshdPid()) - sessionCpu0,
      workers: workers.length,
      byWorker: [cold.value.byWorker, warm.value.byWorker],
      loadAvg1,
    };
  } finally {
    await stopAll();
    s.cleanup.remove(`workers ${tag}`);
  }
}

/** Starts the mode's bot, runs one cold+warm pair (kept unless `out` is undefined), stops the bot. */
async function botRound(
  s: Shared,
  setup: SizeSetup,
  bots: Record<Mode, BotProcess>,
  out: BastionSize | undefined,
  tag: string,
): Promise<void> {
  for (const mode of ['direct', 'bastion'] as const) {
    const bot = bots[mode];
    s.cleanup.add(`bot ${mode}`, () => bot.stop());
    try {
      await bot.start();
      const pair = await botPair(s, setup, bot, mode, `${tag}-${mode}`, setup.n <= s.opts.drainUpTo);
      if (out) out.bot[mode].push(pair);
    } finally {
      await bot.stop();
      s.cleanup.remove(`bot ${mode}`);
      await s.redisClient.del(keys.events);
      s.standin.reset();
    }
    await sleep(500);
  }
}

async function runSize(s: Shared, n: number): Promise<BastionSize> {
  const out: BastionSize = {
    hosts: n,
    fleetLaunchMs: 0,
    execCostMs: [],
    peers: {},
    bot: { direct: [], bastion: [] },
    ansibleSessionCpuMs: [],
  };
  const setup = await setUp(s, n, out);
  try {
    out.execCostMs = await measureExecCost(setup.direct);
    const bots = {
      direct: new BotProcess(
        { redisUrl: s.redisUrl, redisClient: s.redisClient, standin: s.standin, dir: s.dir },
        setup.configs.direct,
        path.join(s.dir, `bot-${n}-direct.log`),
        setup.names[0] ?? 'h001',
      ),
      bastion: new BotProcess(
        { redisUrl: s.redisUrl, redisClient: s.redisClient, standin: s.standin, dir: s.dir },
        setup.configs.bastion,
        path.join(s.dir, `bot-${n}-bastion.log`),
        setup.names[0] ?? 'h001',
      ),
    };
    log(`fleet of ${n}: warm-up round (discarded)`);
    await peerRound(s, setup, undefined, 'warm-up');
    await botRound(s, setup, bots, undefined, `${n}-warmup`);
    for (let r = 1; r <= s.opts.runs; r += 1) {
      log(`fleet of ${n}: run ${r}/${s.opts.runs} (load average ${loadAverages()})`);
      await peerRound(s, setup, out, `run ${r}`);
      await botRound(s, setup, bots, out, `${n}-r${r}`);
    }
  } finally {
    await setup.fleet.stop();
    s.cleanup.remove(`fleet ${n}`);
    await s.redisClient.flushall();
  }
  return out;
}

let stamp = 'unset';
function writeResults(results: BastionResults, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `bastion-${stamp}-${results.options.sizes.join('-')}-${os.userInfo().username}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(results, null, 1));
  fs.writeFileSync(`${base}.md`, renderBastionReport(results));
  return base;
}

async function main(): Promise<void> {
  const opts = parseOptions();
  if (opts.loginUser !== undefined) {
    await runAsUser('bastion-bench.ts', opts.out, opts.loginUser, opts.keep, log);
    return;
  }
  requireSubreaper();
  ensurePackages();
  const peers = ensurePeers(true);
  for (const note of peers.notes) log(`note: ${note}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-bastion-bench-'));
  log(`bench dir ${dir}; load average ${loadAverages()}`);
  const cleanup = new Cleanup(log);
  const onSignal = (): void => {
    log('interrupted: cleaning up');
    void cleanup.runAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const notes = [
    ...peers.notes,
    "the bastion is one more sshd of the fleet (its own port and pinned host key, AllowTcpForwarding yes); targets are addressed as the bastion sees them, 127.0.0.1:port, and the bot's workers hold no connection to a target's own port (counted below)",
    'the peers go through the same bastion with OpenSSH ProxyJump (`parallel-ssh -x "-F cfg -J user@127.0.0.1:P"`, ansible `ansible_ssh_common_args=\'-F cfg -o ProxyJump=user@127.0.0.1:P\'`); `-F cfg` carries the key, known_hosts and StrictHostKeyChecking=yes to the jump connection, which does not get `-i`/`-o`',
    'no ssh2 floor here: the bare ssh2 script of bench:fleet has no jump support',
  ];
  if (!isRoot()) notes.push("the fleet's sshd runs unprivileged: ansible runs `-m raw` with ANSIBLE_SSH_USETTY=False");
  const results: BastionResults = {
    machine: describeMachine(peers),
    notes,
    options: { sizes: opts.sizes, runs: opts.runs, skip: [...opts.skip], workers: opts.workers },
    loadAvg: { start: loadAverages(), end: '' },
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
    const shared: Shared = { opts, dir, redisUrl: redis.url, redisClient, standin, peers, cleanup };
    for (const n of opts.sizes) {
      results.sizes.push(await runSize(shared, n));
      results.loadAvg.end = loadAverages();
      writeResults(results, opts.out);
    }
  } finally {
    await cleanup.runAll();
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
  results.loadAvg.end = loadAverages();
  const file = writeResults(results, opts.out);
  process.stdout.write(renderBastionReport(results));
  log(`results: ${file} (.json and .md)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`bastion-bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
