// @ts-check
'use strict';
/**
 * SRS-format log writer. Observed on real SRS 6.0.157 / 5.0.216:
 *   INFO:       `[YYYY-MM-DD HH:MM:SS.mmm][INFO][pid][cid] message`
 *   WARN/ERROR: `[YYYY-MM-DD HH:MM:SS.mmm][WARN][pid][cid][errno] message` (the thread's errno at that moment)
 * Opens the file by path (append, created 0664 & umask) and reopens it by path (SIGUSR1 rotation). With no file
 * (the launcher's console, `srs_log_tank console`) WARN lines are yellow and ERROR lines red, like SRS's console.
 */
const fs = require('fs');

const CID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random context id like SRS's (8 chars; `len` for the 7-char ids SRS uses elsewhere). */
function newCid(len = 8) {
  let s = '';
  for (let i = 0; i < len; i++) s += CID_CHARS[Math.floor(Math.random() * CID_CHARS.length)];
  return s;
}

/** @param {number} n @param {number} w */
const pad = (n, w = 2) => String(n).padStart(w, '0');

/** @param {Date} d */
function stamp(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** errno SRS printed with these lines when nothing more specific applies (EAGAIN: the usual leftover). */
const DEFAULT_ERRNO = 11;

/**
 * One log line (with its newline). WARN and ERROR carry the errno field.
 * @param {'INFO'|'WARN'|'ERROR'} level
 * @param {number} pid
 * @param {string} cid
 * @param {string} msg
 * @param {number} [errno]
 */
function formatLine(level, pid, cid, msg, errno = DEFAULT_ERRNO) {
  const en = level === 'INFO' ? '' : `[${errno}]`;
  return `[${stamp(new Date())}][${level}][${pid}][${cid}]${en} ${msg}\n`;
}

/** A console line: WARN yellow, ERROR red (the reset follows the newline, as SRS prints it). @param {'INFO'|'WARN'|'ERROR'} level @param {string} line */
function colorize(level, line) {
  if (level === 'WARN') return `\x1b[33m${line}\x1b[0m`;
  if (level === 'ERROR') return `\x1b[31m${line}\x1b[0m`;
  return line;
}

/**
 * The call chain SRS appends to an error it logs, one `thread [pid][cid]: fn() [file:line][errno=N]` line per frame,
 * the last one followed by `(strerror)` when errno is set.
 * @param {string} cid @param {string[]} frames  `fn() [./src/...cpp:N]` @param {number} errno @param {string} [strerror]
 */
function stackLines(cid, frames, errno, strerror) {
  return frames
    .map((f, i) => `thread [${process.pid}][${cid}]: ${f}[errno=${errno}]${i === frames.length - 1 && strerror ? `(${strerror})` : ''}`)
    .join('\n');
}

/**
 * @typedef {{ cid?: string, errno?: number }} LineOpts
 */

class Logger {
  /**
   * @param {string | null} path  null: log to stdout (console)
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
      this.fd = fs.openSync(this.path, 'a', 0o664);
    } catch {
      this.fd = null;
    }
  }

  /** Close and open again by path (a moved file is left alone; a new one is created). */
  reopen() {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* ignore */
      }
    }
    this.fd = null;
    this.open();
  }

  /** @param {'INFO'|'WARN'|'ERROR'} level @param {string} msg @param {LineOpts} [opts] */
  write(level, msg, opts = {}) {
    const line = formatLine(level, process.pid, opts.cid || this.cid, msg, opts.errno);
    try {
      if (this.path === null) process.stdout.write(colorize(level, line));
      else {
        if (this.fd === null) this.open();
        if (this.fd !== null) fs.writeSync(this.fd, line);
      }
    } catch {
      /* disk problems must not kill the server */
    }
  }

  /** @param {string} msg @param {LineOpts} [opts] */
  info(msg, opts) {
    this.write('INFO', msg, opts);
  }
  /** @param {string} msg @param {LineOpts} [opts] */
  warn(msg, opts) {
    this.write('WARN', msg, opts);
  }
  /** @param {string} msg @param {LineOpts} [opts] */
  error(msg, opts) {
    this.write('ERROR', msg, opts);
  }
}

module.exports = { Logger, formatLine, colorize, stackLines, newCid, stamp, DEFAULT_ERRNO };
