/**
 * `npm run demo`: the bot on a local demo fleet of 3 simulated SRS hosts behind real sshd, with live simulated
 * viewers, its own Redis and a worker. Console mode (like Hubot's shell) unless SLACK_BOT_TOKEN is set, in which
 * case the Slack bot runs (Socket Mode with SLACK_APP_TOKEN, else HTTP mode with SLACK_SIGNING_SECRET).
 * `--fleet-only`: everything but the console, until a signal (attach a console from another terminal).
 *
 * Everything lives under `.demo/` of the checkout (port reservations in `$TMPDIR/srs-chatops-ports-<uid>`) and is
 * stopped when the console exits, on SIGHUP (terminal closed), SIGINT (Ctrl-C) and SIGTERM. A watchdog process
 * stops what is left if this process is killed outright; the next start stops whatever an earlier run left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../config/load-config';
import { deepMerge } from '../test/support/fleet/config-document';
import { createLogger } from '../src/adapters/logger';
import { producerConnection, workerConnection } from '../src/adapters/redis/redis-connection';
import { createAuditStore } from '../src/adapters/audit/create-audit-store';
import { RedisJobEvents } from '../src/adapters/redis/redis-job-events';
import { runBot } from '../src/app/run-bot';
import { runConsole } from '../src/app/run-console';
import { createSshHost } from '../src/adapters/ssh/create-ssh-host';
import { startWorker } from '../src/app/start-worker';
import { ensurePackages } from '../test/support/ensure-packages';
import { PORT_DIR_ENV } from '../test/support/free-port';
import { requireSubreaper } from '../test/support/reaper/require-subreaper';
import { launchFleet } from '../test/support/fleet';
import { SimMediaDriver } from '../test/support/media/sim-media-driver';
import { startRedis } from '../test/support/redis-server';
import { startViewerCrowd } from '../test/support/viewer-crowd';
import { publishPackage } from '../test/srs-sim/install';
import { DEMO_PACKAGES, DEMO_USERS, DemoSetupError, demoConfigExtra, demoMode, demoPeople, readUserConfig } from './demo/demo-config';
import { SIGNAL_EXIT, Shutdown } from './demo/lifecycle';
import { checkStateDirWritable, demoPaths, ensureOwnDirectory, isRunLive, ownRunRecord, readRunRecord, type DemoPaths } from './demo/state';
import { describeProcesses, sweepDemoProcesses } from './demo/sweep';
import { startWatchdog, type Watchdog } from './demo/watchdog';

const HOSTS = ['edge-1', 'edge-2', 'edge-3'];
const VIEWERS = { viewers: 4, stayers: 1, watchMs: [10_000, 70_000] as const };

/** Writes to stderr; a closed terminal (EIO, EPIPE) is not an error worth dying for while cleaning up. */
function say(line: string): void {
  try {
    process.stderr.write(`demo: ${line}\n`);
  } catch {
    // the terminal is gone
  }
}

/** Makes this checkout's state directory ours: refuses while another demo runs from it, stops what a dead one left. */
async function takeOver(paths: DemoPaths): Promise<void> {
  checkStateDirWritable(paths.root);
  const previous = readRunRecord(paths.runFile);
  if (previous && isRunLive(previous)) {
    throw new DemoSetupError(
      `a demo is already running from this checkout (pid ${previous.pid}, since ${previous.startedAt}). Stop it first ` +
        `(exit its console, or \`kill ${previous.pid}\`), or give this one another state directory: SRS_CHATOPS_DEMO_DIR=/some/dir npm run demo`,
    );
  }
  const { stopped, survivors } = await sweepDemoProcesses(paths.root);
  if (stopped.length > 0)
    say(
      `stopped ${stopped.length} process(es) an earlier demo left running (it was killed, or its terminal closed): ${describeProcesses(stopped)}`,
    );
  if (survivors.length > 0)
    throw new DemoSetupError(`processes of an earlier demo in ${paths.root} would not stop: ${describeProcesses(survivors)}`);
  fs.rmSync(paths.root, { recursive: true, force: true });
  fs.mkdirSync(paths.root, { recursive: true });
  fs.writeFileSync(paths.runFile, JSON.stringify(ownRunRecord(), null, 2) + '\n');
}

/** The tour the README shows, with the button codes as they come when it is followed in order. */
function tourHint(): string {
  return [
    'Try, in this order (button codes count up through the session: use the ones shown):',
    '  status all                       every host serves viewers (players and a publisher)',
    '  restart edge-2                   a confirmed stop and start; its viewers come back',
    '  grace edge-3 --deadline 30s      the drain, live: viewers leave, one never does; at 30 s the deadline question:',
    '                                   [press b1] Force quit now   [press b2] Extend 30s   [press b3] Leave it draining',
    '  press b1                         Force quit now: the viewers still there are forced off',
    '  start edge-3                     edge-3 serves again; its viewers come back',
    "  stop all --dry-run               the plan, each host's viewers now, the exact commands; nothing changes",
    '  restart edges --graceful --deadline 20s',
    '                                   rolls one host at a time; 3 hosts is a wide change here, so first its blast radius:',
    '                                   [press b4] Confirm   [press b5] Cancel (only alice, who asked, may press)',
    '  press b4                         each host drains, restarts, passes its health gate, then the next; the thread counts',
    '                                   who left on their own and who was forced off at 20 s, per host and in total',
    '  output <request id>              its jobs; output <job id>: every command sent, its hash checked against the audit log',
    '  upgrade edges 6.0.185            a plan to approve: [press b6] Approve   [press b7] Deny',
    `  as ${DEMO_USERS.bob} press b6                 bob approves (alice may not approve her own); each host drains 10 s, then is forced`,
    '  history edge-3',
    '  exit',
  ].join('\n');
}

async function main(args: string[]): Promise<number> {
  const repo = path.resolve(__dirname, '..');
  const paths = demoPaths(repo);
  const mode = demoMode(process.env, args);
  const userConfig = readUserConfig(process.env, args);
  const people = demoPeople(mode, process.env, userConfig.doc);
  if (!process.env[PORT_DIR_ENV]) {
    ensureOwnDirectory(paths.portDir);
    process.env[PORT_DIR_ENV] = paths.portDir;
  }
  requireSubreaper();
  ensurePackages();

  const shutdown = new Shutdown(say);
  /** Set once the state directory is ours (nothing is swept before), and the watchdog started then. */
  const run: { owned: boolean; watchdog?: Watchdog } = { owned: false };
  let finished: Promise<void> | undefined;
  const finish = (reason: string): Promise<void> =>
    (finished ??= (async () => {
      await shutdown.run(reason);
      if (!run.owned) return;
      // Whatever a step left behind (or started while stopping): the same sweep the watchdog and the next start use.
      const { survivors } = await sweepDemoProcesses(paths.root, { spare: run.watchdog ? [run.watchdog.pid] : [] });
      if (survivors.length > 0) say(`could not stop: ${describeProcesses(survivors)}`);
      fs.rmSync(paths.runFile, { force: true });
      await run.watchdog?.dismiss();
    })());
  let stopSignal: (signal: string) => void = () => undefined;
  const signalled = new Promise<string>((resolve) => {
    stopSignal = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!shutdown.started) say(`${signal}: stopping the demo (redis-server, sshd, SRS, worker)...`);
    stopSignal(signal);
    // Bounded: if stopping hangs, exit anyway; the watchdog (not dismissed) stops what is left.
    setTimeout(() => process.exit(SIGNAL_EXIT[signal] ?? 1), 25_000).unref();
    void finish(signal).then(() => process.exit(SIGNAL_EXIT[signal] ?? 1));
  };
  for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
  // A closed terminal turns writes and reads into EIO errors: never a reason to skip the cleanup.
  for (const stream of [process.stdout, process.stderr, process.stdin]) stream.on('error', () => undefined);
  // Ctrl-C at the console's prompt arrives as a key (the terminal is in raw mode), not as SIGINT.
  if (process.stdin.isTTY) {
    process.stdin.on('keypress', (_s: unknown, key: { ctrl?: boolean; name?: string } | undefined) => {
      if (key?.ctrl === true && key.name === 'c') onSignal('SIGINT');
    });
  }

  await takeOver(paths);
  run.owned = true;
  run.watchdog = startWatchdog(paths.root, paths.watchdogLog);
  let code = 0;
  try {
    say(
      `state in ${path.relative(process.cwd(), paths.root) || paths.root}/ (worker log: worker.log, watchdog: watchdog.log); port reservations of this user: ${process.env[PORT_DIR_ENV] ?? '?'}`,
    );
    say(`starting redis-server, ${HOSTS.length} hosts (${HOSTS.join(', ')}: sshd + simulated SRS 6.0.184), a worker, and viewers...`);
    const redis = await startRedis({ dir: path.join(paths.root, 'redis'), appendOnly: true });
    shutdown.add('redis-server', () => redis.stop());
    const fleet = await launchFleet({
      dir: path.join(paths.root, 'fleet'),
      hosts: HOSTS.map((name) => ({ name, groups: ['edges'], graceStartWaitMs: 2300, graceFinalWaitMs: 3200 })),
    });
    shutdown.add('the fleet (sshd, SRS)', () => fleet.stop(), 10_000);
    for (const h of fleet.hosts)
      for (const [version, broken] of DEMO_PACKAGES) publishPackage(h.hostDir, version, broken ? { broken } : {});

    const configPath = path.join(paths.root, 'srs-chatops.yml');
    const extra = deepMerge(demoConfigExtra(people), userConfig.doc);
    fs.writeFileSync(configPath, fleet.toConfigYaml({ extra }));
    const config = parseConfig(fleet.toConfigObject({ extra }), configPath);

    const workerLog = createLogger('worker', { LOG_LEVEL: 'info' }, pino.destination(path.join(paths.root, 'worker.log')));
    const redisConn = workerConnection(redis.url);
    const auditConn = producerConnection(redis.url);
    auditConn.on('error', () => undefined);
    const hosts = createSshHost(config, workerLog);
    const worker = startWorker({
      redis: redisConn,
      config,
      hosts,
      events: new RedisJobEvents(redisConn),
      logger: workerLog,
      workerId: 'demo-worker',
      audit: createAuditStore(auditConn, config),
    });
    shutdown.add(
      'the worker',
      async () => {
        await worker.close(true);
        await hosts.close();
        redisConn.disconnect();
        auditConn.disconnect();
      },
      4000,
    );

    const crowd = startViewerCrowd({
      driver: new SimMediaDriver(),
      hosts: () => fleet.hosts,
      viewers: VIEWERS.viewers,
      stayers: VIEWERS.stayers,
      watchMs: VIEWERS.watchMs,
    });
    shutdown.add('the viewers', () => crowd.stop(), 3000);
    await crowd.whenFull(15_000).catch((err: unknown) => say(`viewers: ${err instanceof Error ? err.message : String(err)}`));
    say(
      `viewers on each host: 1 publisher (reconnects by itself), ${VIEWERS.viewers} viewers who come and go (each watches ` +
        `${VIEWERS.watchMs[0] / 1000}-${VIEWERS.watchMs[1] / 1000} s), ${VIEWERS.stayers} who never leaves; they come back after a restart or a start`,
    );

    const env = {
      ...process.env,
      SRS_CHATOPS_CONFIG: configPath,
      REDIS_URL: redis.url,
      ...(people.consoleUser ? { SRS_CHATOPS_CONSOLE_USER: people.consoleUser } : {}),
    };
    fs.writeFileSync(path.join(paths.root, 'env'), `SRS_CHATOPS_CONFIG=${configPath}\nREDIS_URL=${redis.url}\n`);
    if (mode.kind === 'slack') {
      say(
        `Slack bot, ${mode.socketMode ? 'Socket Mode' : `HTTP mode on port ${process.env.PORT ?? 3000} (POST /slack/events)`}. Config: ${configPath}`,
      );
      say(
        `roles: admin ${config.slack.roles.admin.join(', ') || '-'}; operator ${config.slack.roles.operator.join(', ') || '-'}; viewer ${config.slack.roles.viewer.join(', ') || '-'}; upgrade approvers ${config.approvals.approvers.all?.join(', ') ?? '-'}${userConfig.path ? ` (with ${userConfig.path})` : ''}`,
      );
      say(
        'the Slack bot is starting (it logs "bot started" once connected). In Slack: /srs status all, /srs grace edge-3 --deadline 30s, ... Ctrl-C stops the demo.',
      );
      await Promise.race([runBot(env), signalled]);
    } else if (mode.kind === 'fleet-only') {
      say(`ready (no console). Config: ${configPath}, Redis: ${redis.url}. A console in another terminal:`);
      say(`  SRS_CHATOPS_CONFIG=${configPath} REDIS_URL=${redis.url} node --import tsx src/cli/main.ts console --user ${DEMO_USERS.alice}`);
      say('Ctrl-C (SIGINT), SIGTERM or SIGHUP stops it.');
      await signalled;
    } else {
      say(`ready. Config: ${configPath}. You are alice (${DEMO_USERS.alice}, admin); bob (${DEMO_USERS.bob}) approves upgrades.`);
      say(tourHint());
      code = await Promise.race([runConsole([], env), signalled.then(() => 0)]);
      if (!shutdown.started) say('console closed: stopping the demo...');
    }
  } finally {
    await finish(shutdown.reason ?? 'exit');
  }
  return code;
}

process.on('uncaughtException', (err) => {
  say(`unexpected error: ${err.stack ?? err.message}`);
  process.exit(70);
});

main(process.argv.slice(2)).then(
  (code) => {
    say('stopped.');
    process.exit(code);
  },
  (err: unknown) => {
    say(err instanceof DemoSetupError ? err.message : err instanceof Error ? err.message : String(err));
    process.exit(err instanceof DemoSetupError ? 2 : 1);
  },
);
