// @ts-check
'use strict';
/**
 * Quit state machine (contract sections 3-5): graceful quit with start wait, listener close,
 * unbounded drain, final wait; fast quit; the 5.0 variant that never drains.
 */

/** Seconds after `listeners closed` at which the drain logs its progress. */
function drainLogTimes(count = 40) {
  const out = [1, 3, 7, 15, 31, 63];
  while (out.length < count) out.push(/** @type {number} */ (out[out.length - 1]) + 31);
  return out;
}

const DRAIN_POLL_MS = 200;
const CLEANUP_DELAY_MS = 100;
const FAST_EXIT_MS = 100;
const V5_EXIT_MS = 1400;

class QuitController {
  /**
   * @param {{
   *   logger: import('./logger').Logger,
   *   getSettings: () => import('./config-parser').SrsSettings,
   *   closeListeners: () => void,
   *   connCount: () => number,
   *   major: number,
   *   exit: (code: number) => void,
   * }} deps
   */
  constructor(deps) {
    this.d = deps;
    /** @type {'running' | 'grace' | 'fast' | 'exiting'} */
    this.state = 'running';
    /** @type {Set<NodeJS.Timeout>} */
    this.timers = new Set();
  }

  /** @param {() => void} fn @param {number} ms */
  later(fn, ms) {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
    return t;
  }

  cancelAll() {
    for (const t of this.timers) { clearTimeout(t); clearInterval(t); }
    this.timers.clear();
  }

  /**
   * Start a graceful quit. The caller logged the signal line. Returns false when ignored.
   */
  graceful() {
    if (this.state !== 'running') return false;
    this.state = 'grace';
    const log = this.d.logger;
    if (this.d.major < 6) {
      this.later(() => {
        log.info('cleanup for quit signal fast=0, grace=1');
        log.info('quit for thread #2(hybrid) finished');
      }, CLEANUP_DELAY_MS);
      this.later(() => { this.state = 'exiting'; this.d.exit(0); }, V5_EXIT_MS);
      return true;
    }
    const s = this.d.getSettings();
    this.later(() => {
      log.info('cleanup for quit signal fast=0, grace=1');
      log.info('main cycle terminated, system quit normally.');
      this.later(() => {
        log.info(`start wait for ${s.graceStartWait}ms`);
        this.d.closeListeners();
        log.info('listeners closed');
        log.info('ingesters stopped');
        this.drain(s);
      }, s.graceStartWait);
    }, CLEANUP_DELAY_MS);
    return true;
  }

  /** @param {import('./config-parser').SrsSettings} s */
  drain(s) {
    const log = this.d.logger;
    const start = Date.now();
    const marks = drainLogTimes();
    let next = 0;
    const tick = () => {
      const n = this.d.connCount();
      if (n === 0) {
        log.info('wait for 0 conns to quit');
        this.finish(s);
        return;
      }
      const elapsed = (Date.now() - start) / 1000;
      let due = false;
      while (next < marks.length && elapsed >= /** @type {number} */ (marks[next])) { next++; due = true; }
      if (due) log.info(`wait for ${n} conns to quit`);
      this.later(tick, DRAIN_POLL_MS);
    };
    tick();
  }

  /** @param {import('./config-parser').SrsSettings} s */
  finish(s) {
    const log = this.d.logger;
    log.info('source disposed');
    this.later(() => {
      log.info(`final wait for ${s.graceFinalWait}ms`);
      log.info('srs gracefully quit');
      log.info('srs terminated');
      this.state = 'exiting';
      this.later(() => this.d.exit(0), s.simExitDelay);
    }, s.graceFinalWait);
  }

  /** Fast quit (SIGTERM without force_grace_quit, SIGINT); also ends a running drain. */
  fast() {
    if (this.state === 'fast') return false;
    this.cancelAll();
    this.state = 'fast';
    const log = this.d.logger;
    log.info('cleanup for quit signal fast=1, grace=0');
    this.d.closeListeners();
    log.info('srs terminated');
    this.later(() => this.d.exit(0), FAST_EXIT_MS);
    return true;
  }
}

module.exports = { QuitController, drainLogTimes };
