// @ts-check
'use strict';
/**
 * Shared pieces of the systemd emulation for one host: paths, unit file parsing, the state file
 * written by the supervisor and read by the systemctl shim. Everything lives under hostDir.
 */
const fs = require('fs');
const path = require('path');

/**
 * @typedef {{
 *   active: 'active' | 'inactive' | 'failed' | 'activating' | 'deactivating',
 *   sub: string, mainPid: number, since: number, nRestarts: number, result: string,
 *   startSeq: number, lastStart: '' | 'ok' | 'failed', execStartPid: number, execStartStatus: number,
 * }} UnitState
 * @typedef {{ execStart: string[], execReload: string[], execStop: string[], restart: string, restartMs: number, description: string }} Unit
 */

/** @param {string} hostDir */
function paths(hostDir) {
  const stateDir = path.join(hostDir, 'run/systemd/srs');
  return {
    stateDir,
    stateFile: path.join(stateDir, 'state.json'),
    supervisorPid: path.join(stateDir, 'supervisor.pid'),
    journal: path.join(stateDir, 'journal.log'),
    libUnit: path.join(hostDir, 'usr/lib/systemd/system/srs.service'),
    etcUnit: path.join(hostDir, 'etc/systemd/system/srs.service'),
    wantsLink: path.join(hostDir, 'etc/systemd/system/multi-user.target.wants/srs.service'),
  };
}

/** The unit file systemd would load, or null. @param {string} hostDir */
function unitFile(hostDir) {
  const p = paths(hostDir);
  if (fs.existsSync(p.etcUnit)) return p.etcUnit;
  if (fs.existsSync(p.libUnit)) return p.libUnit;
  return null;
}

/** systemd time span: "1", "1s", "500ms", "2min". @param {string} v */
function parseSpan(v) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m)?\s*$/.exec(v);
  if (!m) return 100;
  const n = Number(m[1]);
  const unit = m[2] || 's';
  return unit === 'ms' ? n : unit === 'min' || unit === 'm' ? n * 60000 : n * 1000;
}

/** @param {string} file @returns {Unit} */
function parseUnit(file) {
  const text = fs.readFileSync(file, 'utf8');
  /** @param {string} k */
  const get = (k) => {
    const m = new RegExp(`^${k}=(.*)$`, 'm').exec(text);
    return m && m[1] !== undefined ? m[1].trim() : '';
  };
  /** @param {string} v */
  const cmd = (v) =>
    v
      .replace(/^[-@+!]+/, '')
      .split(/\s+/)
      .filter(Boolean);
  return {
    execStart: cmd(get('ExecStart')),
    execReload: cmd(get('ExecReload')),
    execStop: cmd(get('ExecStop')),
    restart: get('Restart') || 'no',
    restartMs: get('RestartSec') ? parseSpan(get('RestartSec')) : 1000,
    description: get('Description') || 'srs.service',
  };
}

/** @returns {UnitState} */
function initialState() {
  return {
    active: 'inactive',
    sub: 'dead',
    mainPid: 0,
    since: Date.now(),
    nRestarts: 0,
    result: 'success',
    startSeq: 0,
    lastStart: '',
    execStartPid: 0,
    execStartStatus: 0,
  };
}

/** @param {string} hostDir @returns {UnitState} */
function readState(hostDir) {
  try {
    return { ...initialState(), ...JSON.parse(fs.readFileSync(paths(hostDir).stateFile, 'utf8')) };
  } catch {
    return initialState();
  }
}

/** @param {string} hostDir @param {UnitState} st */
function writeState(hostDir, st) {
  const p = paths(hostDir);
  fs.mkdirSync(p.stateDir, { recursive: true });
  const tmp = `${p.stateFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(st));
  fs.renameSync(tmp, p.stateFile);
}

/**
 * The process runs: it exists and has not exited. An exited process not yet reaped (state Z) has exited: systemd is
 * the reaper of its services and learns of an exit at once (SIGCHLD); the init.d script, by contrast, counts a zombie
 * as running (`ps -p`), which is why the supervisor runs under a reaper that reaps at once (see systemctl-shim.js).
 * @param {number} pid
 */
function pidAlive(pid) {
  if (!pid) return false;
  try {
    const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(st);
  } catch {
    return false;
  }
}

/** The process is gone from the process table (reaped, or never existed). @param {number} pid */
function pidGone(pid) {
  return !pid || !fs.existsSync(`/proc/${pid}`);
}

/** The live supervisor's pid, or 0. @param {string} hostDir */
function supervisorPid(hostDir) {
  try {
    const pid = Number(fs.readFileSync(paths(hostDir).supervisorPid, 'utf8').trim());
    if (!pidAlive(pid)) return 0;
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('systemd-supervisor') ? pid : 0;
  } catch {
    return 0;
  }
}

/** Pid file of the SRS instance behind an init.d script path (ROOT/etc/init.d/srs). @param {string} script */
function srsPidFile(script) {
  const root = path.resolve(fs.realpathSync(script), '../../..');
  let pid = './objs/srs.pid';
  try {
    const m = /^pid\s+([^;\s]+)/m.exec(fs.readFileSync(path.join(root, 'conf/srs.conf'), 'utf8'));
    if (m && m[1]) pid = m[1];
  } catch {
    /* default */
  }
  return path.resolve(root, pid);
}

/** @param {string} hostDir @param {string} line */
function journal(hostDir, line) {
  const d = new Date();
  try {
    fs.mkdirSync(paths(hostDir).stateDir, { recursive: true });
    fs.appendFileSync(paths(hostDir).journal, `${d.toISOString()} srs.service: ${line}\n`);
  } catch {
    /* ignore */
  }
}

module.exports = {
  paths,
  unitFile,
  parseUnit,
  parseSpan,
  readState,
  writeState,
  initialState,
  pidAlive,
  pidGone,
  supervisorPid,
  srsPidFile,
  journal,
};
