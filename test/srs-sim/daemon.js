// @ts-check
'use strict';
/**
 * The running server process (after daemonizing): pid file, log, listeners, API, signals.
 */
const fs = require('fs');
const path = require('path');
const { Logger, newCid } = require('./logger');
const { loadConfig } = require('./config-parser');
const { MediaHub } = require('./media-hub');
const { createRtmpServer, createHttpServer, listen } = require('./media-listeners');
const { createApiServer } = require('./api-server');
const { QuitController } = require('./grace');

const RELOAD_DELAY_MS = 300;
const CONN_SAMPLE_MS = 3000;

/**
 * Stable per-host server id, kept beside the pid file.
 * @param {string} pidFile
 */
function serverIdFor(pidFile) {
  const f = path.join(path.dirname(pidFile), 'srs.id');
  try {
    const v = fs.readFileSync(f, 'utf8').trim();
    if (v) return v;
  } catch { /* create below */ }
  const id = `vid-${newCid().slice(0, 7)}`;
  try { fs.writeFileSync(f, `${id}\n`); } catch { /* read-only: id per process then */ }
  return id;
}

/**
 * @param {{
 *   version: string, broken: string | null, configPath: string,
 *   settings: import('./config-parser').SrsSettings, argv: string,
 * }} opts
 */
function runServer(opts) {
  let settings = opts.settings;
  const major = Number(opts.version.split('.')[0]) || 6;
  const pidFile = path.resolve(settings.pid);
  const logger = new Logger(settings.logTank === 'console' ? null : path.resolve(settings.logFile));
  /** @param {number} code */
  const exit = (code) => { setTimeout(() => process.exit(code), 20); };

  logger.info(`XCORE-SRS/${opts.version}(Simulator)`);
  logger.info(`config parse complete, file=${opts.configPath}`);
  try {
    fs.writeFileSync(pidFile, `${process.pid}`);
  } catch (e) {
    logger.error(`Failed, code=1053(SystemPidAcquire) : open pid file ${pidFile} : ${/** @type {Error} */ (e).message}`);
    exit(1);
    return;
  }
  logger.info(`write pid=${process.pid} to ${pidFile} success!`);

  const hub = new MediaHub({ refusePublish: opts.broken === 'no-streams' });
  const serverId = settings.serverId || serverIdFor(pidFile);
  const reloadState = { err: 0, msg: 'Success', state: 0, rid: '' };
  let connSample = 0;
  const sampler = setInterval(() => { connSample = hub.clients.size; }, CONN_SAMPLE_MS);
  sampler.unref();

  /** @type {import('./api-server').ApiContext} */
  const ctx = {
    version: opts.version, serverId, serviceId: newCid(), startedAt: Date.now(), argv: opts.argv, hub,
    getSettings: () => settings, reloadState, requestReload: () => reload(), noStreams: opts.broken === 'no-streams',
    connSrs: () => connSample,
  };
  /** @type {{ kind: string, addr: import('./config-parser').ListenAddr, server: import('net').Server }[]} */
  const listeners = [];
  const mk = {
    rtmp: () => createRtmpServer(hub),
    api: () => createApiServer(ctx, hub),
    http: () => createHttpServer(hub, { serverHeader: `SRS/${opts.version}` }),
  };
  /** @param {import('./config-parser').SrsSettings} s */
  const wanted = (s) => [
    ...s.rtmp.map((addr) => ({ kind: 'rtmp', addr })),
    ...(s.httpApi ? [{ kind: 'api', addr: s.httpApi }] : []),
    ...(s.httpServer ? [{ kind: 'http', addr: s.httpServer }] : []),
  ];
  const label = /** @type {Record<string, string>} */ ({ rtmp: 'RTMP', api: 'HTTP-API', http: 'HTTP-Server' });

  /** @param {{ kind: string, addr: import('./config-parser').ListenAddr }} w */
  async function bindOne(w) {
    const server = mk[/** @type {'rtmp'|'api'|'http'} */ (w.kind)]();
    await listen(server, w.addr);
    listeners.push({ ...w, server });
    logger.info(`${label[w.kind]} listen at tcp://${w.addr.host}:${w.addr.port}, fd=${listeners.length + 6}`);
  }

  function closeListeners() {
    for (const l of listeners.splice(0)) l.server.close();
  }

  const quit = new QuitController({ logger, getSettings: () => settings, closeListeners, connCount: () => hub.sockets.size, major, exit });

  function reload() {
    setTimeout(() => {
      const r = loadConfig(opts.configPath);
      reloadState.rid = newCid();
      if (!r.ok) {
        Object.assign(reloadState, { err: 1023, msg: `ConfigInvalid: ${r.error}`, state: 10 });
        logger.error(`reload failed, state=10, err code=1023(ConfigInvalid) : reload config : ${r.error}`);
        return;
      }
      const old = settings;
      settings = r.settings;
      settings.pid = old.pid; // the pid file is fixed at start
      if (path.resolve(settings.logFile) !== logger.path && settings.logTank !== 'console') {
        logger.path = path.resolve(settings.logFile);
        logger.reopen();
      }
      if (quit.state === 'running') rebind(old, settings);
      Object.assign(reloadState, { err: 0, msg: 'Success', state: 90 });
      logger.info('reload config success, state=90.');
    }, RELOAD_DELAY_MS);
  }

  /** Re-listen when listen addresses changed on reload. @param {import('./config-parser').SrsSettings} _old @param {import('./config-parser').SrsSettings} now */
  function rebind(_old, now) {
    const want = wanted(now);
    const key = (/** @type {{ kind: string, addr: import('./config-parser').ListenAddr }} */ w) => `${w.kind}/${w.addr.host}:${w.addr.port}`;
    for (const l of [...listeners]) {
      if (!want.some((w) => key(w) === key(l))) {
        l.server.close();
        listeners.splice(listeners.indexOf(l), 1);
      }
    }
    for (const w of want) {
      if (!listeners.some((l) => key(l) === key(w))) {
        bindOne(w).catch((e) => logger.error(`Failed, code=1002(SocketBind) : reload listen ${key(w)} : ${e.message}`));
      }
    }
  }

  // Signals. SIGUSR2 deliberately has no handler: the default action kills the process silently.
  process.on('SIGHUP', () => { logger.info('reload config, signo=1'); reload(); });
  process.on('SIGUSR1', () => { logger.reopen(); logger.warn('reopen log file, signo=10'); });
  process.on('SIGQUIT', () => {
    if (quit.state !== 'running') return;
    logger.info('sig=3, user start gracefully quit');
    quit.graceful();
  });
  process.on('SIGTERM', () => {
    if (settings.forceGraceQuit) {
      if (quit.state !== 'running') return;
      logger.info('force gracefully quit, signo=15');
      quit.graceful();
      return;
    }
    if (quit.state === 'fast') return;
    logger.info('sig=15, user terminate program, fast quit');
    quit.fast();
  });
  process.on('SIGINT', () => {
    if (quit.state === 'fast') return;
    logger.info('sig=2, user terminate program, fast quit');
    quit.fast();
  });

  (async () => {
    for (const w of wanted(settings)) {
      try {
        await bindOne(w);
      } catch (e) {
        logger.error(`Failed, code=1002(SocketBind) : serve error : listen ${label[w.kind]} tcp://${w.addr.host}:${w.addr.port} : bind ${w.addr.host}:${w.addr.port} : ${/** @type {Error} */ (e).message}`);
        setTimeout(() => process.exit(1), settings.simBindFailDelay);
        return;
      }
    }
    if (opts.broken === 'crash') {
      logger.error('Failed, code=1000(Simulated) : run server : simulated crash of a broken build');
      setTimeout(() => process.exit(1), settings.simBindFailDelay);
      return;
    }
    logger.info(`server main cycle started, srs version=${opts.version}, service=${ctx.serviceId}`);
  })();
}

module.exports = { runServer };
