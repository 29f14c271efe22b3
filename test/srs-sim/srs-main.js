// @ts-check
'use strict';
/**
 * Entry point of the simulated `objs/srs` binary: -v, -t -c FILE, -c FILE (daemonizes when
 * `daemon on`: the launcher validates the config, forks a detached child, waits until the child
 * wrote its pid file, exits 0).
 */
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { loadConfig } = require('./config-parser');
const { formatLine } = require('./logger');

const CHILD_MARKER = 'SRS_SIM_DAEMON_CHILD';
const PID_WAIT_MS = 5000;

/**
 * Best-effort log file of a config that did not parse (for the launcher's error line).
 * @param {string} configPath
 */
function guessLogFile(configPath) {
  try {
    const m = /^srs_log_file\s+([^;\s]+)/m.exec(fs.readFileSync(configPath, 'utf8'));
    return path.resolve(m && m[1] ? m[1] : './objs/srs.log');
  } catch {
    return path.resolve('./objs/srs.log');
  }
}

/** @param {string} file @param {string} line */
function appendQuiet(file, line) {
  try { fs.appendFileSync(file, line); } catch { /* ignore */ }
}

/**
 * @param {{ version: string, broken?: string | null }} build
 */
function main(build) {
  const version = build.version;
  const broken = build.broken || null;
  const args = process.argv.slice(2);
  const script = process.argv[1] || 'objs/srs';
  const cid = 'launcher';
  if (args.includes('-v') || args.includes('-V') || args.includes('--version')) {
    process.stdout.write(`${version}\n`);
    return;
  }
  const ci = args.indexOf('-c');
  const configPath = ci >= 0 ? args[ci + 1] : undefined;
  if (args.includes('-h') || args.includes('--help') || !configPath) {
    process.stdout.write(`SRS ${version} (simulator)\nUsage: ${script} [-h?vVgGe] [-t] [-c filename]\n  -t  test configuration file and exit\n  -c  use configuration file\n  -v  show version and exit\n`);
    process.exitCode = configPath || args.includes('-h') || args.includes('--help') ? 0 : 255;
    return;
  }
  const r = loadConfig(configPath);
  if (args.includes('-t')) {
    if (r.ok) {
      process.stdout.write(formatLine('INFO', process.pid, cid, `the config file ${configPath} syntax is ok`));
      process.stdout.write(formatLine('INFO', process.pid, cid, `config file ${configPath} test is successful`));
      process.exitCode = 0;
    } else {
      process.stdout.write(formatLine('ERROR', process.pid, cid, `invalid config, ${r.error}`));
      process.stdout.write(formatLine('ERROR', process.pid, cid, `config file ${configPath} test is failed`));
      process.exitCode = 255;
    }
    return;
  }
  if (!r.ok) {
    const line = formatLine('ERROR', process.pid, cid, `Failed, code=1023(ConfigInvalid) : invalid config, ${r.error}, file=${configPath}`);
    process.stderr.write(line);
    appendQuiet(guessLogFile(configPath), line);
    process.exitCode = 1;
    return;
  }
  const settings = r.settings;
  if (broken === 'no-start') {
    const line = formatLine('ERROR', process.pid, cid, `Failed, code=1000(Simulated) : run master : broken build ${version} cannot start`);
    process.stderr.write(line);
    appendQuiet(path.resolve(settings.logFile), line);
    process.exitCode = 1;
    return;
  }
  const argv = [script, ...args].join(' ');
  const { runServer } = require('./daemon');
  if (!settings.daemon || process.env[CHILD_MARKER] === '1') {
    if (process.env[CHILD_MARKER]) delete process.env[CHILD_MARKER];
    runServer({ version, broken, configPath, settings, argv });
    return;
  }
  // Launcher: fork the daemon, detached, output appended to <log>.sys.
  const sysFile = `${path.resolve(settings.logFile)}.sys`;
  let sysFd = /** @type {number | 'ignore'} */ ('ignore');
  try { sysFd = fs.openSync(sysFile, 'a'); } catch { /* no .sys then */ }
  const child = spawn(process.execPath, ['--max-old-space-size=64', script, ...args], {
    detached: true,
    stdio: ['ignore', sysFd, sysFd],
    env: { ...process.env, [CHILD_MARKER]: '1' },
  });
  child.unref();
  const pidFile = path.resolve(settings.pid);
  const deadline = Date.now() + PID_WAIT_MS;
  let gone = false;
  child.once('exit', () => { gone = true; });
  const poll = () => {
    let cur = '';
    try { cur = fs.readFileSync(pidFile, 'utf8').trim(); } catch { /* not yet */ }
    if (cur === String(child.pid) || gone || Date.now() > deadline) {
      process.exit(0);
    }
    setTimeout(poll, 10);
  };
  poll();
}

module.exports = { main, CHILD_MARKER };
