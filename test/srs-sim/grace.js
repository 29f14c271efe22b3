// @ts-check
'use strict';
/**
 * How SRS quits (contract sections 3-5), as observed on real 6.0.157 / 5.0.216 and read in its main cycle:
 * signals only set flags (fast quit: SIGTERM, SIGINT; graceful: SIGQUIT); the main cycle sees them at its next
 * 1-second tick and logs `cleanup for quit signal fast=F, grace=G`. Then
 * - 6.0+: `main cycle terminated, system quit normally.` (WARN); a fast quit disposes (`srs disposed`, ~0.1 s);
 *   a graceful one waits grace_start_wait, closes every listener (`start wait for`, `listeners closed`,
 *   `ingesters stopped`), waits for the connections to leave in steps of 1 s (logging `wait for N conns to quit`
 *   after 1, 2, 4, 8, 16, 32, 31, 29, 25, 17, 1, 2... s, ending at once when a fast-quit signal arrives), logs
 *   `source disposed`, waits grace_final_wait (`final wait for`), `srs gracefully quit`; last `srs terminated` and
 *   the process exits (~20 ms).
 * - 5.0: nothing more is logged until the primordial thread notices, at its next 1 s check, that the hybrid thread
 *   ended (`quit for thread #2(hybrid) finished`); the process exits at once. Listeners and connections stay open
 *   until that moment (issue 3805: 5.0 never drains).
 */

const STEP_MS = 1000;
const DISPOSE_MS = 100;
const V5_QUIT_CHECK_MS = 1000;

/** Seconds after `listeners closed` at which the drain logs its progress (if clients stay). */
function drainLogTimes(count = 40) {
  const out = [];
  let step = 1;
  let t = 0;
  while (out.length < count) {
    t += step;
    out.push(t);
    step = (step * 2) % 33;
  }
  return out;
}

class QuitController {
  /**
   * @param {{
   *   logger: import('./logger').Logger,
   *   getSettings: () => import('./config-parser').SrsSettings,
   *   closeListeners: () => void,
   *   connCount: () => number,
   *   major: number,
   *   exit: (code: number, delayMs: number) => void,
   * }} deps
   */
  constructor(deps) {
    this.d = deps;
    /** Signal flags (set by the handlers, read by the main cycle and the drain). */
    this.fast = false;
    this.grace = false;
    /** The main cycle has ended (the quit sequence runs). */
    this.stopping = false;
  }

  get state() {
    if (!this.stopping && !this.fast && !this.grace) return 'running';
    return this.fast ? 'fast' : 'grace';
  }

  /** @param {number} ms */
  sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
  }

  /**
   * The main cycle's tick: when a quit flag is set, the cycle ends and the quit sequence runs. Returns true then.
   */
  tick() {
    if (this.stopping || !(this.fast || this.grace)) return false;
    this.stopping = true;
    const log = this.d.logger;
    log.info(`cleanup for quit signal fast=${this.fast ? 1 : 0}, grace=${this.grace ? 1 : 0}`);
    if (this.d.major < 6) {
      setTimeout(() => {
        log.info('quit for thread #2(hybrid) finished');
        this.d.exit(0, 20);
      }, V5_QUIT_CHECK_MS);
      return true;
    }
    void this.stop();
    return true;
  }

  async stop() {
    const log = this.d.logger;
    log.warn('main cycle terminated, system quit normally.', { errno: 11 });
    if (this.fast) {
      this.d.closeListeners();
      await this.sleep(DISPOSE_MS);
      log.info('srs disposed');
    }
    if (this.grace) {
      await this.gracefullyDispose();
      log.info('srs gracefully quit');
    }
    log.info('srs terminated');
    this.d.exit(0, this.d.getSettings().simExitDelay);
  }

  async gracefullyDispose() {
    const log = this.d.logger;
    const startWait = this.d.getSettings().graceStartWait;
    await this.sleep(startWait);
    log.info(`start wait for ${startWait}ms`);
    this.d.closeListeners();
    log.info('listeners closed');
    log.info('ingesters stopped');
    let step = 1;
    while (this.d.connCount() > 0 && !this.fast) {
      for (let i = 0; i < step && this.d.connCount() > 0 && !this.fast; i++) await this.sleep(STEP_MS);
      step = (step * 2) % 33;
      log.info(`wait for ${this.d.connCount()} conns to quit`);
    }
    log.info('source disposed');
    const finalWait = this.d.getSettings().graceFinalWait;
    await this.sleep(finalWait);
    log.info(`final wait for ${finalWait}ms`);
  }
}

module.exports = { QuitController, drainLogTimes };
