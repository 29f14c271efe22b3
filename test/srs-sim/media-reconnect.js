// @ts-check
'use strict';
/**
 * A client that comes back, like a real encoder (or a player with retry): whenever its connection
 * is closed (by either side, e.g. a restart), refused or times out, it waits reconnectMs and
 * connects again with the same kind and stream, until stop().
 */

/**
 * @typedef {import('./media-client').ConnectOptions & {
 *   reconnectMs: number,
 *   onEvent?: (e: { type: 'connected' | 'closed' | 'failed', id?: string, error?: string }) => void,
 * }} ReconnectOptions  leaveAfterMs, when given, is the total lifetime: stop() after that long.
 * @typedef {{
 *   kind: import('./media-client').ClientKind, stream: string,
 *   current: import('./media-client').ClientHandle | null,
 *   connects: number, failures: number, lastError: string,
 *   waitConnected(timeoutMs?: number): Promise<import('./media-client').ClientHandle>,
 *   stop(): Promise<void>, stopped: Promise<void>,
 * }} ReconnectingClient
 */

/**
 * Start a reconnecting client (the first attempt is made at once; failures are retried).
 * @param {ReconnectOptions} opts
 * @returns {ReconnectingClient}
 */
function reconnectingClient(opts) {
  const { connectClient } = require('./media-client');
  const { reconnectMs, onEvent = () => {}, leaveAfterMs, ...connectOpts } = opts;
  if (!(reconnectMs > 0)) throw new Error(`reconnectMs must be > 0 (got ${reconnectMs})`);
  let stopped = false;
  /** @type {(() => void) | null} */
  let wake = null;
  /** @type {Array<(h: import('./media-client').ClientHandle) => void>} */
  let waiters = [];
  /** @type {ReconnectingClient} */
  const rc = {
    kind: opts.kind,
    stream: opts.stream || 'live/livestream',
    current: null,
    connects: 0,
    failures: 0,
    lastError: '',
    stopped: Promise.resolve(),
    waitConnected(timeoutMs = 10000) {
      if (rc.current) return Promise.resolve(rc.current);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          reject(new Error(`${rc.kind} ${rc.stream} not connected within ${timeoutMs}ms (failures=${rc.failures}, last: ${rc.lastError})`));
        }, timeoutMs);
        /** @param {import('./media-client').ClientHandle} h */
        const done = (h) => {
          clearTimeout(t);
          resolve(h);
        };
        waiters.push(done);
      });
    },
    async stop() {
      stopped = true;
      if (wake) wake();
      await loop;
    },
  };
  /** @param {number} ms */
  const pause = (ms) =>
    new Promise((r) => {
      const t = setTimeout(() => {
        wake = null;
        r(undefined);
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = null;
        r(undefined);
      };
    });
  const loop = (async () => {
    while (!stopped) {
      try {
        const h = await connectClient(connectOpts);
        if (stopped) {
          await h.close();
          break;
        }
        rc.current = h;
        rc.connects++;
        onEvent({ type: 'connected', id: h.id });
        const ws = waiters;
        waiters = [];
        ws.forEach((w) => w(h));
        await Promise.race([
          h.closed,
          new Promise((r) => {
            wake = () => {
              wake = null;
              r(undefined);
            };
          }),
        ]);
        rc.current = null;
        if (stopped) {
          await h.close();
          break;
        }
        onEvent({ type: 'closed', id: h.id });
      } catch (e) {
        rc.failures++;
        rc.lastError = /** @type {Error} */ (e).message;
        onEvent({ type: 'failed', error: rc.lastError });
      }
      if (!stopped) await pause(reconnectMs);
    }
  })();
  rc.stopped = loop;
  if (leaveAfterMs !== undefined) {
    const t = setTimeout(() => {
      void rc.stop();
    }, leaveAfterMs);
    void loop.then(() => clearTimeout(t));
  }
  return rc;
}

module.exports = { reconnectingClient };
