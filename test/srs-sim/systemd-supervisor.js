// @ts-check
'use strict';
/**
 * Per-host stand-in for systemd managing srs.service (Type=forking, Restart=always): runs
 * ExecStart, takes MainPID from the pid file, restarts SRS RestartSec after any exit not requested
 * through `systemctl stop` (start limit: 5 starts in 10 s). SIGTERM = `systemctl stop`: runs
 * ExecStop, then exits. Like systemd it goes on only once an exited main process is gone (reaped): the shim starts it
 * under a reaper that reaps at once (systemctl-shim.js). Run as: node systemd-supervisor.js <hostDir>
 */
const fs = require('fs');
const { spawn } = require('child_process');
const S = require('./systemd-state');

const POLL_MS = 200;
const START_LIMIT_BURST = 5;
const START_LIMIT_INTERVAL_MS = 10000;
const STOP_KILL_WAIT_MS = 5000;
const REAP_WAIT_MS = 5000;

/** Until an exited process is reaped (at once under the shim's reaper). @param {number} pid */
async function waitGone(pid) {
  const end = Date.now() + REAP_WAIT_MS;
  while (Date.now() < end && !S.pidGone(pid)) await sleep(20);
}

/** @param {string[]} cmd @param {string} hostDir @returns {Promise<{ code: number, pid: number }>} */
function run(cmd, hostDir) {
  return new Promise((resolve) => {
    const out = fs.openSync(S.paths(hostDir).journal, 'a');
    const [file = '/bin/false', ...args] = cmd;
    const child = spawn(file, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.on('error', () => resolve({ code: 203, pid: child.pid || 0 }));
    child.on('exit', (code, sig) => resolve({ code: code === null ? (sig ? 128 : 1) : code, pid: child.pid || 0 }));
  });
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {string} hostDir */
async function supervise(hostDir) {
  const p = S.paths(hostDir);
  fs.mkdirSync(p.stateDir, { recursive: true });
  fs.writeFileSync(p.supervisorPid, `${process.pid}`);
  const prev = S.readState(hostDir);
  const st = { ...S.initialState(), nRestarts: 0, startSeq: prev.startSeq };
  /** @param {Partial<import('./systemd-state').UnitState>} patch */
  const set = (patch) => {
    Object.assign(st, patch);
    S.writeState(hostDir, st);
  };
  let stopping = false;
  /** @type {() => void} */
  let wake = () => {};
  process.on('SIGTERM', () => {
    stopping = true;
    wake();
  });
  process.on('SIGINT', () => {
    stopping = true;
    wake();
  });
  process.on('SIGHUP', () => {});

  /** @type {number[]} */
  const starts = [];
  let first = true;
  while (!stopping) {
    const file = S.unitFile(hostDir);
    if (!file) {
      set({ active: 'failed', sub: 'failed', result: 'resources', mainPid: 0, since: Date.now() });
      break;
    }
    const unit = S.parseUnit(file);
    const now = Date.now();
    while (starts.length && now - /** @type {number} */ (starts[0]) > START_LIMIT_INTERVAL_MS) starts.shift();
    if (starts.length >= START_LIMIT_BURST) {
      S.journal(hostDir, 'Start request repeated too quickly.');
      set({ active: 'failed', sub: 'failed', result: 'start-limit-hit', mainPid: 0, since: Date.now() });
      break;
    }
    starts.push(now);
    if (!first) set({ nRestarts: st.nRestarts + 1 });
    first = false;
    set({ active: 'activating', sub: 'start', since: Date.now() });
    S.journal(hostDir, `Starting: ${unit.execStart.join(' ')}`);
    const r = await run(unit.execStart, hostDir);
    const pidFile = S.srsPidFile(unit.execStart[0] || '');
    let mainPid = 0;
    try {
      mainPid = Number(fs.readFileSync(pidFile, 'utf8').trim()) || 0;
    } catch {
      /* none */
    }
    if (r.code !== 0 || !S.pidAlive(mainPid)) {
      S.journal(hostDir, `Control process exited, code=exited, status=${r.code}/FAILURE`);
      set({
        active: 'failed',
        sub: 'failed',
        result: 'exit-code',
        mainPid: 0,
        lastStart: 'failed',
        startSeq: st.startSeq + 1,
        execStartPid: r.pid,
        execStartStatus: r.code,
        since: Date.now(),
      });
    } else {
      S.journal(hostDir, `Started, MainPID=${mainPid}`);
      set({
        active: 'active',
        sub: 'running',
        result: 'success',
        mainPid,
        lastStart: 'ok',
        startSeq: st.startSeq + 1,
        execStartPid: r.pid,
        execStartStatus: 0,
        since: Date.now(),
      });
      while (!stopping && S.pidAlive(mainPid)) {
        await new Promise((res) => {
          const t = setTimeout(res, POLL_MS);
          wake = () => {
            clearTimeout(t);
            res(undefined);
          };
        });
      }
      if (stopping) break;
      await waitGone(mainPid);
      S.journal(hostDir, `Main process exited (pid ${mainPid})`);
      set({ mainPid: 0, result: 'success' });
    }
    if (stopping || unit.restart === 'no') {
      if (!stopping) set({ active: st.active === 'failed' ? 'failed' : 'inactive', sub: st.active === 'failed' ? 'failed' : 'dead' });
      if (!stopping) break;
      break;
    }
    set({ active: 'activating', sub: 'auto-restart', since: Date.now() });
    S.journal(hostDir, `Scheduled restart job, restart counter is at ${st.nRestarts + 1}.`);
    await new Promise((res) => {
      const t = setTimeout(res, unit.restartMs);
      wake = () => {
        clearTimeout(t);
        res(undefined);
      };
    });
  }
  if (stopping) {
    set({ active: 'deactivating', sub: 'stop', since: Date.now() });
    const file = S.unitFile(hostDir);
    const unit = file ? S.parseUnit(file) : null;
    if (unit && unit.execStop.length) {
      S.journal(hostDir, `Stopping: ${unit.execStop.join(' ')}`);
      await run(unit.execStop, hostDir);
    }
    // KillMode=control-group: whatever is left of the main process gets SIGTERM, then SIGKILL.
    if (st.mainPid && S.pidAlive(st.mainPid)) {
      try {
        process.kill(st.mainPid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const end = Date.now() + STOP_KILL_WAIT_MS;
      while (Date.now() < end && S.pidAlive(st.mainPid)) await sleep(100);
      if (S.pidAlive(st.mainPid)) {
        try {
          process.kill(st.mainPid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    if (st.mainPid) await waitGone(st.mainPid);
    S.journal(hostDir, 'Stopped.');
    set({ active: 'inactive', sub: 'dead', mainPid: 0, result: 'success', since: Date.now() });
  }
  try {
    fs.unlinkSync(p.supervisorPid);
  } catch {
    /* ignore */
  }
  process.exit(0);
}

if (require.main === module) {
  const hostDir = process.argv[2];
  if (!hostDir) {
    process.stderr.write('usage: systemd-supervisor.js <hostDir>\n');
    process.exit(2);
  }
  supervise(hostDir);
}

module.exports = { supervise };
