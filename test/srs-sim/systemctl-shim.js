// @ts-check
'use strict';
/**
 * `systemctl` for one simulated host (no real systemd here). Handles srs / srs.service:
 * start stop restart reload status is-active is-enabled enable disable daemon-reload show.
 * Outputs and exit codes follow real systemctl closely. State lives under hostDir/run/systemd/srs.
 */
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const S = require('./systemd-state');

const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 120000;

/**
 * The project's reaper (test/support/reaper/subreaper.c): the one this process runs under, else its build in
 * .tmp/bin. The supervisor runs under it with no delay, so the SRS daemons it starts (orphaned by SRS's own
 * daemonizing) are reaped the moment they exit, as systemd (PID 1) does on a real host. Without it, exited daemons
 * wait for whatever reaper is above (the init.d script's `ps -p` counts them as running meanwhile).
 */
function reaperBinary() {
  /** @type {string[]} */
  const candidates = [];
  const above = process.env.SRS_CHATOPS_SUBREAPER;
  if (above && /^\d+$/.test(above)) {
    try {
      candidates.push(fs.readlinkSync(`/proc/${above}/exe`));
    } catch {
      /* gone or not readable */
    }
  }
  candidates.push(path.resolve(__dirname, '../../.tmp/bin/subreaper'));
  return candidates.find((c) => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return c.endsWith('/subreaper');
    } catch {
      return false;
    }
  });
}

/** @param {number} ms */
function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** @param {string} hostDir @param {(s: string) => void} out */
function enableUnit(hostDir, out) {
  const p = S.paths(hostDir);
  const file = S.unitFile(hostDir);
  if (!file) return { code: 1, err: 'Failed to enable unit: Unit file srs.service does not exist.' };
  fs.mkdirSync(path.dirname(p.wantsLink), { recursive: true });
  if (!fs.existsSync(p.wantsLink)) {
    fs.symlinkSync(file, p.wantsLink);
    out(`Created symlink ${p.wantsLink} → ${file}.`);
  }
  return { code: 0, err: '' };
}

/** @param {string} hostDir */
function isEnabled(hostDir) {
  try {
    fs.lstatSync(S.paths(hostDir).wantsLink);
    return true;
  } catch {
    return false;
  }
}

/** @param {number} ms */
function fmtSince(ms) {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const p2 = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const ago = Math.max(0, Math.round((Date.now() - ms) / 1000));
  const agoS = ago < 60 ? `${ago}s` : `${Math.floor(ago / 60)}min ${ago % 60}s`;
  return `${days[d.getUTCDay()]} ${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC; ${agoS} ago`;
}

/** Effective state: a dead supervisor cannot be active. @param {string} hostDir */
function effectiveState(hostDir) {
  const st = S.readState(hostDir);
  if (!S.supervisorPid(hostDir) && (st.active === 'active' || st.active === 'activating' || st.active === 'deactivating')) {
    return { ...st, active: /** @type {const} */ ('inactive'), sub: 'dead', mainPid: 0 };
  }
  return st;
}

/** @param {string} hostDir @returns {number} */
function doStart(hostDir) {
  if (!S.unitFile(hostDir)) {
    process.stderr.write('Failed to start srs.service: Unit srs.service not found.\n');
    return 5;
  }
  if (S.supervisorPid(hostDir)) return 0;
  const before = S.readState(hostDir).startSeq;
  const journal = S.paths(hostDir).journal;
  fs.mkdirSync(path.dirname(journal), { recursive: true });
  const out = fs.openSync(journal, 'a');
  const supervisor = [process.execPath, path.join(__dirname, 'systemd-supervisor.js'), hostDir];
  const reaper = reaperBinary();
  const [cmd = process.execPath, ...args] = reaper ? [reaper, '--delay-ms', '0', '--', ...supervisor] : supervisor;
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  fs.closeSync(out);
  const end = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < end) {
    const st = S.readState(hostDir);
    if (st.startSeq > before && st.lastStart) {
      if (st.lastStart === 'ok') return 0;
      process.stderr.write(
        'Job for srs.service failed because the control process exited with error code.\nSee "systemctl status srs.service" and "journalctl -xeu srs.service" for details.\n',
      );
      return 1;
    }
    sleepSync(50);
  }
  process.stderr.write('Job for srs.service failed because a timeout was exceeded.\n');
  return 1;
}

/** @param {string} hostDir @returns {number} */
function doStop(hostDir) {
  if (!S.unitFile(hostDir)) {
    process.stderr.write('Failed to stop srs.service: Unit srs.service not loaded.\n');
    return 5;
  }
  const sup = S.supervisorPid(hostDir);
  if (!sup) return 0;
  try {
    process.kill(sup, 'SIGTERM');
  } catch {
    return 0;
  }
  const end = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < end && S.pidAlive(sup)) sleepSync(50);
  return 0;
}

/** @param {string} hostDir @returns {number} */
function doReload(hostDir) {
  const file = S.unitFile(hostDir);
  if (!file) {
    process.stderr.write('Failed to reload srs.service: Unit srs.service not found.\n');
    return 5;
  }
  const st = effectiveState(hostDir);
  if (st.active !== 'active') {
    process.stderr.write('srs.service is not active, cannot reload.\n');
    return 1;
  }
  const [cmd = '/bin/false', ...args] = S.parseUnit(file).execReload;
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.status !== 0) {
    process.stderr.write(
      'Job for srs.service failed because the control process exited with error code.\nSee "systemctl status srs.service" and "journalctl -xeu srs.service" for details.\n',
    );
    return 1;
  }
  return 0;
}

/** @param {string} hostDir @returns {number} */
function doStatus(hostDir) {
  const file = S.unitFile(hostDir);
  if (!file) {
    process.stderr.write('Unit srs.service could not be found.\n');
    return 4;
  }
  const unit = S.parseUnit(file);
  const st = effectiveState(hostDir);
  const dot = st.active === 'active' ? '●' : st.active === 'failed' ? '×' : '○';
  const activeLine =
    st.active === 'active'
      ? `active (running) since ${fmtSince(st.since)}`
      : st.active === 'failed'
        ? `failed (Result: ${st.result}) since ${fmtSince(st.since)}`
        : st.active === 'activating'
          ? `activating (${st.sub}) since ${fmtSince(st.since)}`
          : st.active === 'deactivating'
            ? `deactivating (stop) since ${fmtSince(st.since)}`
            : 'inactive (dead)';
  const lines = [
    `${dot} srs.service - ${unit.description}`,
    `     Loaded: loaded (${file}; ${isEnabled(hostDir) ? 'enabled' : 'disabled'}; preset: enabled)`,
    `     Active: ${activeLine}`,
  ];
  if (st.execStartPid)
    lines.push(
      `    Process: ${st.execStartPid} ExecStart=${unit.execStart.join(' ')} (code=exited, status=${st.execStartStatus}/${st.execStartStatus ? 'FAILURE' : 'SUCCESS'})`,
    );
  if (st.active === 'active' && st.mainPid) lines.push(`   Main PID: ${st.mainPid} (srs)`);
  try {
    const j = fs.readFileSync(S.paths(hostDir).journal, 'utf8').trimEnd().split('\n').slice(-10);
    if (j.length && j[0]) lines.push('', ...j);
  } catch {
    /* no journal */
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return st.active === 'active' ? 0 : 3;
}

/** @param {string} hostDir @param {string[]} props @param {boolean} valueOnly */
function doShow(hostDir, props, valueOnly) {
  const file = S.unitFile(hostDir);
  const st = effectiveState(hostDir);
  /** @type {Record<string, string | number>} */
  const all = {
    Id: 'srs.service',
    Names: 'srs.service',
    Type: 'forking',
    Restart: file ? S.parseUnit(file).restart : 'no',
    MainPID: st.active === 'active' || st.active === 'deactivating' ? st.mainPid : 0,
    ActiveState: st.active,
    SubState: st.sub,
    LoadState: file ? 'loaded' : 'not-found',
    UnitFileState: file ? (isEnabled(hostDir) ? 'enabled' : 'disabled') : '',
    NRestarts: st.nRestarts,
    Result: st.result,
    FragmentPath: file || '',
    ExecMainPID: st.mainPid,
    ActiveEnterTimestampMonotonic: st.since * 1000,
  };
  const keys = props.length ? props : Object.keys(all);
  for (const k of keys) {
    const v = all[k] ?? '';
    process.stdout.write(valueOnly ? `${v}\n` : `${k}=${v}\n`);
  }
  return 0;
}

/**
 * @param {string} hostDir
 * @param {string[]} argv
 */
function main(hostDir, argv) {
  /** @type {string[]} */
  const props = [];
  let valueOnly = false;
  /** @type {string[]} */
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] || '';
    if (a === '-p' || a === '--property') props.push(...(argv[++i] || '').split(','));
    else if (a.startsWith('--property=')) props.push(...a.slice(11).split(','));
    else if (a.startsWith('-p') && a.length > 2) props.push(...a.slice(2).split(','));
    else if (a === '--value') valueOnly = true;
    else if (a.startsWith('-')) {
      /* --no-pager, -q, --quiet, --no-block ... */
    } else rest.push(a);
  }
  const [verb = 'list-units', ...units] = rest;
  const quiet = argv.includes('-q') || argv.includes('--quiet');
  if (verb === 'daemon-reload') {
    process.exitCode = 0;
    return;
  }
  if (verb === 'list-units') {
    process.stdout.write('  UNIT        LOAD   ACTIVE SUB     DESCRIPTION\n');
    return;
  }
  const unit = units[0] || '';
  if (!unit) {
    process.stderr.write(`Too few arguments.\n`);
    process.exitCode = 1;
    return;
  }
  if (unit !== 'srs' && unit !== 'srs.service') {
    const name = unit.includes('.') ? unit : `${unit}.service`;
    if (verb === 'is-active') {
      if (!quiet) process.stdout.write('inactive\n');
      process.exitCode = 3;
      return;
    }
    if (verb === 'status') {
      process.stderr.write(`Unit ${name} could not be found.\n`);
      process.exitCode = 4;
      return;
    }
    process.stderr.write(`Failed to ${verb} ${name}: Unit ${name} not found.\n`);
    process.exitCode = 5;
    return;
  }
  /** @param {string} s */
  const say = (s) => process.stdout.write(`${s}\n`);
  switch (verb) {
    case 'start':
      process.exitCode = doStart(hostDir);
      return;
    case 'stop':
      process.exitCode = doStop(hostDir);
      return;
    case 'restart': {
      const c = doStop(hostDir);
      process.exitCode = c === 0 ? doStart(hostDir) : c;
      return;
    }
    case 'reload':
      process.exitCode = doReload(hostDir);
      return;
    case 'status':
      process.exitCode = doStatus(hostDir);
      return;
    case 'is-active': {
      const st = effectiveState(hostDir);
      if (!quiet) say(st.active);
      process.exitCode = st.active === 'active' ? 0 : 3;
      return;
    }
    case 'is-failed': {
      const st = effectiveState(hostDir);
      if (!quiet) say(st.active);
      process.exitCode = st.active === 'failed' ? 0 : 1;
      return;
    }
    case 'is-enabled': {
      if (!S.unitFile(hostDir)) {
        process.stderr.write('Failed to get unit file state for srs.service: No such file or directory\n');
        process.exitCode = 1;
        return;
      }
      const on = isEnabled(hostDir);
      if (!quiet) say(on ? 'enabled' : 'disabled');
      process.exitCode = on ? 0 : 1;
      return;
    }
    case 'enable': {
      const r = enableUnit(hostDir, (s) => process.stderr.write(`${s}\n`));
      if (r.code) process.stderr.write(`${r.err}\n`);
      process.exitCode = r.code;
      if (!r.code && argv.includes('--now')) process.exitCode = doStart(hostDir);
      return;
    }
    case 'disable': {
      const link = S.paths(hostDir).wantsLink;
      if (!S.unitFile(hostDir)) {
        process.stderr.write('Failed to disable unit: Unit file srs.service does not exist.\n');
        process.exitCode = 1;
        return;
      }
      if (isEnabled(hostDir)) {
        fs.unlinkSync(link);
        process.stderr.write(`Removed "${link}".\n`);
      }
      process.exitCode = 0;
      return;
    }
    case 'show':
      process.exitCode = doShow(hostDir, props, valueOnly);
      return;
    default:
      process.stderr.write(`Unknown command verb '${verb}'.\n`);
      process.exitCode = 1;
  }
}

module.exports = { main, enableUnit };
