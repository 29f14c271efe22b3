// @ts-check
'use strict';
/**
 * The running server process (after daemonizing): pid file, log, listeners, API, signals, reload. As observed on
 * real SRS 6.0.157 / 5.0.216: signal handlers only log and set flags; a main cycle that ticks every second applies
 * them (quit: grace.js; reload: below). A reload re-reads the config; a changed RTMP `listen` makes SRS assert and
 * abort (both versions, whether or not the new port is free); `http_api`/`http_server` listen changes are ignored
 * (the old ports stay); grace waits and force_grace_quit take effect; a new `srs_log_file` applies at the next reopen.
 */
const fs = require('fs');
const path = require('path');
const { Logger, newCid, stackLines } = require('./logger');
const { loadConfig, errorChain } = require('./config-parser');
const { MediaHub } = require('./media-hub');
const { createRtmpServer, createHttpServer, listen } = require('./media-listeners');
const { createApiServer } = require('./api-server');
const { QuitController } = require('./grace');
const { majorOf, signature } = require('./srs-version');
const { listenerFd, bindFailure, reloadBacktrace, ASSERT_MESSAGE } = require('./srs-errors');

const TICK_MS = 1000;
const CONN_SAMPLE_MS = 3000;
const BACKTRACE_LINE_MS = 15;
const RELOAD_FAIL_FRAMES = {
  parse: [
    'reload() [./src/app/srs_app_config.cpp:1398]',
    'parse_file() [./src/app/srs_app_config.cpp:2278]',
    'parse_buffer() [./src/app/srs_app_config.cpp:2904]',
    'parse_conf() [./src/app/srs_app_config.cpp:1146]',
    'parse_conf() [./src/app/srs_app_config.cpp:1127]',
  ],
  check: [
    'reload() [./src/app/srs_app_config.cpp:1409]',
    'check_config() [./src/app/srs_app_config.cpp:2305]',
    'check_normal_config() [./src/app/srs_app_config.cpp:2353]',
  ],
  missing: ['reload() [./src/app/srs_app_config.cpp:1398]', 'parse_file() [./src/app/srs_app_config.cpp:2270]'],
};

/**
 * Stable per-host server id, kept beside the pid file (real SRS keeps it in objs/srs.id too).
 * @param {string} pidFile
 */
function serverIdFor(pidFile) {
  const f = path.join(path.dirname(pidFile), 'srs.id');
  try {
    const v = fs.readFileSync(f, 'utf8').trim();
    if (v) return v;
  } catch {
    /* create below */
  }
  const id = `vid-${newCid(7)}`;
  try {
    fs.writeFileSync(f, id);
  } catch {
    /* read-only: id per process then */
  }
  return id;
}

/**
 * @param {{
 *   version: string, broken: string | null, configPath: string,
 *   settings: import('./config-parser').SrsSettings, argv: string, cid?: string, logger?: Logger,
 * }} opts
 */
function runServer(opts) {
  let settings = opts.settings;
  const major = majorOf(opts.version);
  const sig = signature(opts.version);
  const argv0 = opts.argv.split(' ')[0] || './objs/srs';
  const pidFile = path.resolve(settings.pid);
  const logger = opts.logger || new Logger(settings.logTank === 'console' ? null : path.resolve(settings.logFile), opts.cid);
  /** @param {number} code @param {number} delayMs */
  const exit = (code, delayMs) => {
    setTimeout(() => process.exit(code), delayMs);
  };

  logger.info('son(daemon) process running.');
  try {
    fs.writeFileSync(pidFile, `${process.pid}`);
  } catch (e) {
    logger.error(`Failed, code=1053(SystemPidAcquire) : open pid file ${pidFile} : ${/** @type {Error} */ (e).message}`, { errno: 13 });
    exit(1, 20);
    return;
  }
  logger.info(`write pid=${process.pid} to ${settings.pid} success!`);

  const hub = new MediaHub({ refusePublish: opts.broken === 'no-streams', onKick: (id) => logger.warn(`kickoff client id=${id} ok`) });
  const serverId = settings.serverId || serverIdFor(pidFile);
  const reloadState = { err: 0, msg: 'Success', state: 0, rid: newCid(7) };
  let connSample = 0;
  const sampler = setInterval(() => {
    connSample = hub.clients.size;
  }, CONN_SAMPLE_MS);
  sampler.unref();

  /** @type {import('./api-server').ApiContext} */
  const ctx = {
    version: opts.version,
    serverId,
    serviceId: newCid(),
    startedAt: Date.now(),
    argv: opts.argv,
    hub,
    getSettings: () => settings,
    reloadState,
    requestReload: () => onReloadSignal(),
    noStreams: opts.broken === 'no-streams',
    connSrs: () => connSample,
    rawApi: settings.rawApi,
    allowReload: settings.allowReload,
  };
  /** @type {{ kind: string, addr: import('./config-parser').ListenAddr, server: import('net').Server }[]} */
  const listeners = [];
  const mk = {
    rtmp: () => createRtmpServer(hub),
    api: () => createApiServer(ctx, hub),
    http: () => createHttpServer(hub, { serverHeader: sig }),
  };
  /** @param {import('./config-parser').SrsSettings} s @returns {{ kind: 'rtmp' | 'api' | 'http', addr: import('./config-parser').ListenAddr, index: number }[]} */
  const wanted = (s) => [
    ...s.rtmp.map((addr, index) => ({ kind: /** @type {const} */ ('rtmp'), addr, index })),
    ...(s.httpApi ? [{ kind: /** @type {const} */ ('api'), addr: s.httpApi, index: 0 }] : []),
    ...(s.httpServer ? [{ kind: /** @type {const} */ ('http'), addr: s.httpServer, index: 0 }] : []),
  ];
  const label = { rtmp: 'RTMP', api: 'HTTP-API', http: 'HTTP-Server' };

  function closeListeners() {
    for (const l of listeners.splice(0)) l.server.close();
  }

  const quit = new QuitController({ logger, getSettings: () => settings, closeListeners, connCount: () => hub.sockets.size, major, exit });

  // Signals: log and set a flag; the main cycle acts at its next tick. SIGUSR2 deliberately has no handler: the
  // default action kills the process silently, as on real SRS.
  let reloadPending = false;
  function onReloadSignal() {
    logger.info('reload config, signo=1');
    reloadPending = true;
  }
  process.on('SIGHUP', onReloadSignal);
  process.on('SIGUSR1', () => {
    logger.reopen();
    logger.warn('reopen log file, signo=10', { errno: 4 });
  });
  /** @param {'SIGQUIT' | 'SIGTERM' | 'SIGINT'} name */
  const onQuitSignal = (name) => {
    let signo = name === 'SIGQUIT' ? 3 : name === 'SIGTERM' ? 15 : 2;
    if (signo === 15 && settings.forceGraceQuit) {
      logger.info('force gracefully quit, signo=15');
      signo = 3;
    }
    if ((signo === 2 || signo === 15) && !quit.fast) {
      logger.info(`sig=${signo}, user terminate program, fast quit`);
      quit.fast = true;
    } else if (signo === 3 && !quit.grace) {
      logger.info('sig=3, user start gracefully quit');
      quit.grace = true;
    }
  };
  process.on('SIGQUIT', () => onQuitSignal('SIGQUIT'));
  process.on('SIGTERM', () => onQuitSignal('SIGTERM'));
  process.on('SIGINT', () => onQuitSignal('SIGINT'));

  /** The config as SIGHUP reloads it, at the main cycle's tick. */
  function reload() {
    logger.info('starting reload config.');
    const r = loadConfig(opts.configPath);
    reloadState.rid = newCid(7);
    if (!r.ok) {
      if (r.stage !== 'missing' && !r.error.includes('read token')) logger.info('config parse complete');
      if (r.stage === 'check') logger.info('srs checking config...');
      const state = r.stage === 'check' ? 20 : 10;
      const chain = errorChain(opts.configPath, r, 'reload');
      Object.assign(reloadState, { err: 1023, msg: `code=1023(ConfigInvalid) : ${chain}`, state });
      logger.warn(
        `reload failed, state=${state}, err code=1023(ConfigInvalid)(Configuration is invalid) : ${chain}\n${stackLines(logger.cid, RELOAD_FAIL_FRAMES[r.stage], 11)}`,
      );
      return;
    }
    logger.info('config parse complete');
    logger.info('srs checking config...');
    logger.info(`you can check log by: tail -n 30 -f ${r.settings.logFile}`);
    logger.info('please check SRS by: ./etc/init.d/srs status');
    if (r.settings.listenArgs.join(' ') !== settings.listenArgs.join(' ')) {
      abortOnReloadListen();
      return;
    }
    const old = settings;
    // Fixed at start: the pid file, every listener (http_api / http_server listen changes are not applied).
    settings = {
      ...r.settings,
      pid: old.pid,
      rtmp: old.rtmp,
      listenArgs: old.listenArgs,
      httpApi: old.httpApi,
      httpServer: old.httpServer,
    };
    if (settings.logTank !== 'console') logger.path = path.resolve(settings.logFile); // used at the next reopen
    logger.info('reload rtc server success, nothing changed.');
    for (const vhost of settings.vhosts.filter((v) => old.vhosts.includes(v))) {
      logger.info(`vhost ${vhost} maybe modified, reload its detail.`);
      logger.info(`ingest nothing changed for vhost=${vhost}`);
    }
    Object.assign(reloadState, { err: 0, msg: 'Success', state: 90 });
    logger.info('reload config success, state=90.');
  }

  /** SRS re-listens on every RTMP listener, closes the fd its coroutine waits on and asserts: backtrace, abort. */
  function abortOnReloadListen() {
    clearInterval(mainCycle);
    const lines = reloadBacktrace(major, argv0, sig);
    let i = 0;
    const next = () => {
      const line = lines[i++];
      if (line !== undefined) {
        logger.error(line, { errno: 0 });
        setTimeout(next, i === 1 ? 2 : BACKTRACE_LINE_MS);
        return;
      }
      process.stderr.write(ASSERT_MESSAGE);
      // The kernel's core dump of this node process would be large: the sim writes a small stand-in itself (the
      // sim's init.d starts SRS with core dumps off), then dies by SIGABRT like SRS.
      try {
        fs.writeFileSync(path.resolve('core'), `srs-chatops simulator core stand-in: ${sig} pid ${process.pid} aborted (SIGABRT)\n`, {
          mode: 0o600,
        });
      } catch {
        /* read-only */
      }
      process.removeAllListeners('SIGABRT');
      process.kill(process.pid, 'SIGABRT');
    };
    next();
  }

  /** @type {NodeJS.Timeout | undefined} */
  let mainCycle;
  function startMainCycle() {
    mainCycle = setInterval(() => {
      if (quit.tick()) {
        clearInterval(mainCycle);
        return;
      }
      if (reloadPending) {
        reloadPending = false;
        reload();
      }
    }, TICK_MS);
  }

  (async () => {
    logger.info(`server main cid=${logger.cid}, pid=${process.pid}, ppid=${process.ppid}, asprocess=0`);
    for (const w of wanted(settings)) {
      const fd = listenerFd(major, w.kind, w.index);
      const server = mk[w.kind]();
      try {
        await listen(server, w.addr);
      } catch (e) {
        // 5.0 reports it from its primordial thread (another context id); the listener's frames keep the server's.
        const errCid = major < 6 ? newCid() : logger.cid;
        const f = bindFailure({
          major,
          kind: w.kind,
          ip: w.addr.ip,
          port: w.addr.port,
          fd,
          code: /** @type {NodeJS.ErrnoException} */ (e).code || '',
          cid: logger.cid,
          masterCid: errCid,
        });
        setTimeout(() => {
          logger.error(f.message, { errno: f.errno, cid: errCid });
          exit(1, 20);
        }, f.delayMs);
        return;
      }
      listeners.push({ kind: w.kind, addr: w.addr, server });
      logger.info(`${label[w.kind]} listen at tcp://${w.addr.ip}:${w.addr.port}, fd=${fd}`);
    }
    logger.info('signal installed, reload=1, reopen=10, fast_quit=15, grace_quit=3');
    if (opts.broken === 'crash') {
      logger.error('Failed, code=1000(Simulated) : run server : simulated crash of a broken build', { errno: 0 });
      exit(1, settings.simBindFailDelay);
      return;
    }
    startMainCycle();
  })();
}

module.exports = { runServer };
