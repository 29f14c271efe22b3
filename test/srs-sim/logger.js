// @ts-check
'use strict';
/**
 * SRS-format log writer: `[YYYY-MM-DD HH:MM:SS.mmm][LEVEL][pid][cid] message`.
 * Opens the file by path (append) and can reopen it by path (SIGUSR1 rotation).
 */
const fs = require('fs');

const CID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random 8-char context id like SRS's. */
function newCid() {
  let s = '';
  for (let i = 0; i < 8; i++) s += CID_CHARS[Math.floor(Math.random() * CID_CHARS.length)];
  return s;
}

/** @param {number} n @param {number} w */
const pad = (n, w = 2) => String(n).padStart(w, '0');

/** @param {Date} d */
function stamp(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * @param {'INFO'|'WARN'|'ERROR'} level
 * @param {number} pid
 * @param {string} cid
 * @param {string} msg
 */
function formatLine(level, pid, cid, msg) {
  return `[${stamp(new Date())}][${level}][${pid}][${cid}] ${msg}\n`;
}

class Logger {
  /**
   * @param {string | null} path  null: log to stdout (srs_log_tank console)
   * @param {string} [cid]
   */
  constructor(path, cid = newCid()) {
    this.path = path;
    this.cid = cid;
    /** @type {number | null} */
    this.fd = null;
    this.open();
  }

  open() {
    if (this.path === null) return;
    try {
      this.fd = fs.openSync(this.path, 'a');
    } catch {
      this.fd = null;
    }
  }

  reopen() {
    if (this.fd !== null) {
      try { fs.closeSync(this.fd); } catch { /* ignore */ }
    }
    this.fd = null;
    this.open();
  }

  /** @param {'INFO'|'WARN'|'ERROR'} level @param {string} msg @param {string} [cid] */
  write(level, msg, cid) {
    const line = formatLine(level, process.pid, cid || this.cid, msg);
    try {
      if (this.path === null) process.stdout.write(line);
      else if (this.fd !== null) fs.writeSync(this.fd, line);
    } catch { /* disk problems must not kill the server */ }
  }

  /** @param {string} msg @param {string} [cid] */
  info(msg, cid) { this.write('INFO', msg, cid); }
  /** @param {string} msg @param {string} [cid] */
  warn(msg, cid) { this.write('WARN', msg, cid); }
  /** @param {string} msg @param {string} [cid] */
  error(msg, cid) { this.write('ERROR', msg, cid); }
}

module.exports = { Logger, formatLine, newCid, stamp };
