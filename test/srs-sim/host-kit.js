// @ts-check
'use strict';
/**
 * Helpers for tests that drive simulated hosts locally: temp hosts on free ports, running commands (the init.d
 * script, the binary), reading the log, the process table (`ps -p` semantics: a zombie exists), the HTTP API.
 * Every host lives under one temp dir; `cleanup()` kills what is left and removes it.
 */
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');
const { installHost } = require('./install');

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {number} port @returns {Promise<boolean>} */
function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** @type {Set<number>} */
const usedPorts = new Set();
async function freePort() {
  for (;;) {
    const p = 12000 + Math.floor(Math.random() * 18000);
    if (usedPorts.has(p)) continue;
    usedPorts.add(p);
    if (await portFree(p)) return p;
  }
}

/**
 * @param {string} file @param {string[]} args @param {{ env?: NodeJS.ProcessEnv, cwd?: string }} [opts]
 * @returns {Promise<import('./host-kit').RunResult>}
 */
function run(file, args, opts = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { env: opts.env || process.env, cwd: opts.cwd, timeout: 60000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}`.replace(ANSI, ''), raw: `${stdout}${stderr}`, stdout, stderr });
    });
  });
}

/** Process state letter from /proc (`Z` zombie), or null when there is no such process. @param {number} pid */
function procState(pid) {
  try {
    const m = /^State:\s+(\S)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m && m[1] ? m[1] : null;
  } catch {
    return null;
  }
}
/** Runs: exists and has not exited. @param {number} pid */
const running = (pid) => {
  const s = procState(pid);
  return s !== null && s !== 'Z';
};
/** Gone from the process table (reaped). @param {number} pid */
const gone = (pid) => procState(pid) === null;

/**
 * @template T
 * @param {() => T | Promise<T>} fn @param {number} [timeoutMs] @param {string} [what]
 * @returns {Promise<T>}
 */
async function waitFor(fn, timeoutMs = 10000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** @param {string} prefix */
function hostKit(prefix) {
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  /** @type {import('./install').InstalledHost[]} */
  const hosts = [];
  let seq = 0;

  /** @param {Partial<import('./install').InstallOptions>} [opts] */
  async function newHost(opts = {}) {
    const ports = { rtmp: await freePort(), http: await freePort(), api: await freePort() };
    const h = installHost({
      hostDir: path.join(tmpRoot, `host${++seq}`),
      ports,
      graceStartWaitMs: 300,
      graceFinalWaitMs: 200,
      ...opts,
    });
    hosts.push(h);
    return h;
  }

  async function cleanup() {
    for (const h of hosts) {
      const sup = path.join(path.dirname(h.rcRoot), 'run/systemd/srs/supervisor.pid');
      for (const f of [sup, h.pidFile]) {
        try {
          const pid = Number(fs.readFileSync(f, 'utf8').trim());
          const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          if (cmd.includes('objs/srs') || cmd.includes('systemd-supervisor')) process.kill(pid, 'SIGKILL');
        } catch {
          /* not running */
        }
      }
    }
    await sleep(100);
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }

  return { tmpRoot, newHost, cleanup };
}

/** @param {import('./install').InstalledHost} h @param {string} verb */
const initd = (h, verb) => run(h.initdLink, [verb]);
/**
 * What init.d `stop` answers when SRS was running: stopped, or (exit 1) its SIGTERM failed because the process it had
 * just found with `ps -p` was reaped before its `kill` (its zombie found, then reaped: likely under a delayed reaper,
 * the same with real SRS). Either way SRS is gone afterwards.
 */
const STOP_RESULT =
  /^Stopping SRS\(pid \d+\)\.\.\.\[  OK  \]\n(SRS stopped by SIGTERM\[  OK  \]|send signal SIGTERM failed ret=1\[FAILED\])\n$/;

/** @param {import('./install').InstalledHost} h */
const readPid = (h) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());
/** @param {string} file */
const readText = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
/** @param {import('./install').InstalledHost} h */
const log = (h) => readText(h.logFile);
/** Log messages: the text after `[pid][cid] ` (and after `[errno] ` on WARN/ERROR lines). @param {import('./install').InstalledHost} h */
const messages = (h) =>
  log(h)
    .split('\n')
    .filter((l) => l.startsWith('['))
    .map((l) => l.replace(/^\[[^\]]+\]\[[A-Z]+\]\[\d+\]\[[^\]]+\](\[\d+\])? /, ''));
/** @param {import('./install').InstalledHost} h @param {string} text @param {number} [timeoutMs] */
const waitLog = (h, text, timeoutMs = 10000) => waitFor(() => log(h).includes(text), timeoutMs, `log line "${text}"`);
/** Until the server is up (its last startup line). @param {import('./install').InstalledHost} h */
const waitUp = (h) => waitLog(h, 'signal installed, reload=1');

/**
 * @param {import('./install').InstalledHost} h @param {string} p @param {string} [method]
 * @returns {Promise<import('./host-kit').ApiAnswer>}
 */
async function api(h, p, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${h.ports.api}${p}`, { method, redirect: 'manual' });
  const text = await res.text();
  /** @type {Record<string, unknown>} */
  let json = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, json };
}

module.exports = {
  STOP_RESULT,
  hostKit,
  run,
  initd,
  readPid,
  readText,
  log,
  messages,
  waitLog,
  waitUp,
  waitFor,
  api,
  procState,
  running,
  gone,
  sleep,
  portFree,
};
