// @ts-check
'use strict';
/**
 * Entry point of the simulated `objs/srs` binary: -v, -h, -t -c FILE, -c FILE (daemonizes when `daemon on`: the
 * launcher checks the config, forks a detached child, waits until the child wrote its pid file, exits 0).
 * Output as observed on real SRS 6.0.157 / 5.0.216: `-v` prints the version on stdout; the launcher's own lines go to
 * stdout (the init.d script appends them to `<log>.sys`), WARN yellow and ERROR red; a syntax error in the config is
 * reported there (exit 255), a directive error in the log file (exit 255).
 */
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { loadConfig, errorChain } = require('./config-parser');
const { Logger, stackLines, newCid } = require('./logger');
const { signature } = require('./srs-version');
const { leaksDisabled, leakReport } = require('./leak-report');

const CHILD_MARKER = 'SRS_SIM_DAEMON_CHILD';
const ARGV_ENV = 'SRS_SIM_ARGV';
const CID_ENV = 'SRS_SIM_CID';
const PID_WAIT_MS = 5000;
const CONFIG_INVALID = 'Failed, code=1023(ConfigInvalid)(Configuration is invalid)';

/** The command line as typed (`./objs/srs -c ./conf/srs.conf`): node resolves argv[1], /proc keeps it. */
function typedArgv() {
  try {
    const parts = fs
      .readFileSync('/proc/self/cmdline', 'utf8')
      .split('\0')
      .filter((s, i, a) => i < a.length - 1 || s);
    if (parts.length >= 2) return parts.slice(1);
  } catch {
    /* not Linux */
  }
  return process.argv.slice(1);
}

/** @param {string} argv0 @param {string} version */
function helpText(argv0, version) {
  return `${signature(version)}, https://github.com/ossrs/srs, MIT, (srs-chatops simulator)

Usage: ${argv0} <-h?vVgGe>|<[-t] -c filename>
Options:
   -?, -h, --help      : Show this help and exit 0.
   -v, -V, --version   : Show version and exit 0.
   -g, -G              : Show server signature and exit 0.
   -e                  : Use environment variable only, ignore config file.
   -t                  : Test configuration file, exit with error code(0 for success).
   -c filename         : Use config file to start server.
For example:
   ${argv0} -v
   ${argv0} -t -c conf/srs.conf
   ${argv0} -c conf/srs.conf
`;
}

/** Frames SRS prints after a config error at start (syntax errors; directive errors). */
const PARSE_FRAMES = [
  'do_main() [./src/main/srs_main_server.cpp:143]',
  'parse_options() [./src/app/srs_app_config.cpp:1972]',
  'parse_file() [./src/app/srs_app_config.cpp:2278]',
  'parse_buffer() [./src/app/srs_app_config.cpp:2904]',
  'parse_conf() [./src/app/srs_app_config.cpp:1146]',
  'parse_conf() [./src/app/srs_app_config.cpp:1127]',
];
const CHECK_FRAMES = [
  'do_main() [./src/main/srs_main_server.cpp:225]',
  'check_config() [./src/app/srs_app_config.cpp:2305]',
  'check_normal_config() [./src/app/srs_app_config.cpp:2353]',
];
const MISSING_FRAMES = ['do_main() [./src/main/srs_main_server.cpp:143]', 'parse_options() [./src/app/srs_app_config.cpp:1947]'];

/**
 * @param {{ version: string, broken?: string | null, asan?: boolean }} build
 */
function main(build) {
  const version = build.version;
  const broken = build.broken || null;
  const args = process.argv.slice(2);
  const typed = typedArgv();
  const argv0 = typed[0] || 'objs/srs';
  const isChild = process.env[CHILD_MARKER] === '1';
  const cid = (isChild && process.env[CID_ENV]) || newCid();
  if (args.some((a) => a === '-v' || a === '-V' || a === '--version')) {
    process.stdout.write(`${version}\n`);
    return;
  }
  const ci = args.indexOf('-c');
  const configPath = ci >= 0 ? args[ci + 1] : undefined;
  if (!configPath) {
    process.stdout.write(helpText(argv0, version));
    process.exitCode = 0;
    return;
  }
  const console_ = new Logger(null, cid);
  if (!isChild) console_.info(`XCORE-${signature(version)}`);
  const r = loadConfig(configPath);
  if (!r.ok) {
    process.exitCode = 255;
    if (r.stage === 'missing') {
      console_.error(
        `${CONFIG_INVALID} : ${errorChain(configPath, r, 'start')}\n${stackLines(cid, MISSING_FRAMES, 2, 'No such file or directory')}`,
        { errno: 2 },
      );
      return;
    }
    if (!r.error.includes('read token')) console_.info('config parse complete');
    if (args.includes('-t')) {
      if (r.stage === 'check') console_.info('srs checking config...');
      console_.info(`invalid configcode=1023(ConfigInvalid) : ${errorChain(configPath, r, 'test')} in ${configPath}`);
      console_.info(`config file ${configPath} test is failed`);
      return;
    }
    if (r.stage === 'parse') {
      console_.error(
        `${CONFIG_INVALID} : ${errorChain(configPath, r, 'start')}\n${stackLines(cid, PARSE_FRAMES, 22, 'Invalid argument')}`,
        { errno: 22 },
      );
      return;
    }
    // A directive error is found after SRS switched to its log file (srs_log_file as configured, else the default).
    const logFile = /^srs_log_file\s+([^;\s]+)/m.exec(safeRead(configPath));
    console_.info('you can check log by: tail -n 30 -f ./objs/srs.log');
    console_.info('please check SRS by: ./etc/init.d/srs status');
    const fileLog = new Logger(path.resolve(logFile && logFile[1] ? logFile[1] : './objs/srs.log'), cid);
    fileLog.info('srs checking config...');
    fileLog.error(`${CONFIG_INVALID} : ${errorChain(configPath, r, 'start')}\n${stackLines(cid, CHECK_FRAMES, 22, 'Invalid argument')}`, {
      errno: 22,
    });
    return;
  }
  const settings = r.settings;
  if (!isChild) console_.info('config parse complete');
  if (args.includes('-t')) {
    console_.info('srs checking config...');
    console_.info(`you can check log by: tail -n 30 -f ${settings.logFile}`);
    console_.info('please check SRS by: ./etc/init.d/srs status');
    console_.info(`the config file ${configPath} syntax is ok`);
    console_.info(`config file ${configPath} test is successful`);
    process.exitCode = 0;
    if (build.asan && !leaksDisabled(process.env)) {
      process.stderr.write(leakReport(process.pid, path.resolve(process.argv[1] || 'objs/srs')));
      process.exitCode = 1;
    }
    return;
  }
  const log = settings.logTank === 'console' ? console_ : new Logger(path.resolve(settings.logFile), cid);
  if (!isChild) {
    console_.info(`you can check log by: tail -n 30 -f ${settings.logFile}`);
    console_.info('please check SRS by: ./etc/init.d/srs status');
    log.info(`${signature(version)}, MIT`);
    log.info(`cwd=${process.cwd()}, work_dir=./, build: srs-chatops simulator`);
    log.info('srs checking config...');
  }
  if (broken === 'no-start') {
    log.error(`Failed, code=1000(Simulated) : run master : broken build ${version} cannot start`, { errno: 0 });
    process.exitCode = 1;
    return;
  }
  const argv = (isChild && process.env[ARGV_ENV]) || typed.join(' ');
  const { runServer } = require('./daemon');
  if (!settings.daemon || isChild) {
    for (const k of [CHILD_MARKER, ARGV_ENV, CID_ENV]) delete process.env[k];
    runServer({ version, broken, configPath, settings, argv, cid, logger: log });
    return;
  }
  // Launcher: fork the daemon, detached, output appended to <log>.sys.
  log.info('start daemon mode...');
  const sysFile = `${path.resolve(settings.logFile)}.sys`;
  let sysFd = /** @type {number | 'ignore'} */ ('ignore');
  try {
    sysFd = fs.openSync(sysFile, 'a');
  } catch {
    /* no .sys then */
  }
  const child = spawn(process.execPath, ['--max-old-space-size=64', process.argv[1] || argv0, ...args], {
    detached: true,
    stdio: ['ignore', sysFd, sysFd],
    env: { ...process.env, [CHILD_MARKER]: '1', [ARGV_ENV]: argv, [CID_ENV]: cid },
  });
  child.unref();
  log.info('grandpa process exit.');
  const pidFile = path.resolve(settings.pid);
  const deadline = Date.now() + PID_WAIT_MS;
  let gone = false;
  child.once('exit', () => {
    gone = true;
  });
  const poll = () => {
    let cur = '';
    try {
      cur = fs.readFileSync(pidFile, 'utf8').trim();
    } catch {
      /* not yet */
    }
    if (cur === String(child.pid) || gone || Date.now() > deadline) {
      process.exit(0);
    }
    setTimeout(poll, 10);
  };
  poll();
}

/** @param {string} file */
function safeRead(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

module.exports = { main, CHILD_MARKER };
