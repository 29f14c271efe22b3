#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Media clients for the SRS simulator: a client is a held-open TCP connection.
 *  - kind 'publish' / 'play': RTMP port, first line `publish|play <app>/<stream>`, waits for `OK <id>`.
 *  - kind 'flv': HTTP server port, `GET /<app>/<stream>.flv`, waits for the 200 status line.
 * CLI: node media-client.js --port N [--host H] [--kind play|publish|flv] [--stream live/livestream]
 *      [--leave-after-ms MS] [--count N] [--bitrate-kbps K] [--reconnect-ms N]
 * --reconnect-ms N: each client reconnects N ms after its connection closed or was refused, until
 * SIGTERM/SIGINT (or --leave-after-ms, then the total lifetime). See media-reconnect.js.
 */
const net = require('net');

/**
 * @typedef {'publish' | 'play' | 'flv'} ClientKind
 * @typedef {{ host?: string, port: number, kind: ClientKind, stream?: string, leaveAfterMs?: number, connectTimeoutMs?: number, bitrateKbps?: number }} ConnectOptions
 * @typedef {{ id: string, kind: ClientKind, stream: string, close(): Promise<void>, closed: Promise<void>, socket: net.Socket }} ClientHandle
 */

/**
 * Connect one client; resolves once the server accepted it (RTMP `OK <id>` or HTTP 200).
 * Rejects when refused, closed or not accepted within connectTimeoutMs (default 5000).
 * A publisher with bitrateKbps > 0 sends filler bytes at that rate (relayed to its players).
 * @param {ConnectOptions} opts
 * @returns {Promise<ClientHandle>}
 */
function connectClient(opts) {
  const { host = '127.0.0.1', port, kind, stream = 'live/livestream', leaveAfterMs, connectTimeoutMs = 5000, bitrateKbps = 0 } = opts;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    /** @type {() => void} */
    let markClosed = () => {};
    const closed = new Promise((r) => {
      markClosed = () => r(undefined);
    });
    socket.once('close', () => markClosed());
    socket.on('error', () => {});
    let buf = '';
    let accepted = false;
    const timer = setTimeout(() => fail(new Error(`client ${kind} ${stream} not accepted within ${connectTimeoutMs}ms`)), connectTimeoutMs);
    /** @param {Error} e */
    function fail(e) {
      if (accepted) return;
      accepted = true;
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    }
    socket.once('connect', () => {
      if (kind === 'flv')
        socket.write(`GET /${stream}.flv HTTP/1.1\r\nHost: ${host}:${port}\r\nUser-Agent: srs-sim-client\r\nAccept: */*\r\n\r\n`);
      else socket.write(`${kind} ${stream}\n`);
    });
    socket.once('close', () => fail(new Error(`client ${kind} ${stream} closed before being accepted: ${buf.slice(0, 80)}`)));
    socket.on('error', (e) => fail(e));
    /** @param {Buffer} d */
    const onData = (d) => {
      if (accepted) return;
      buf += d.toString('latin1');
      let id = '';
      if (kind === 'flv') {
        if (!buf.includes('\r\n')) return;
        if (!/^HTTP\/1\.[01] 200/.test(buf)) {
          fail(new Error(`flv play refused: ${buf.split('\r\n')[0]}`));
          return;
        }
      } else {
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const m = /^OK (\S+)/.exec(buf.slice(0, nl));
        if (!m || !m[1]) {
          fail(new Error(`${kind} refused: ${buf.slice(0, nl)}`));
          return;
        }
        id = m[1];
      }
      accepted = true;
      clearTimeout(timer);
      /** @type {ClientHandle} */
      const handle = {
        id,
        kind,
        stream,
        socket,
        closed,
        close() {
          if (!socket.destroyed) socket.destroy();
          return closed;
        },
      };
      if (kind === 'publish' && bitrateKbps > 0) {
        const chunk = Buffer.alloc(Math.max(1, Math.round((bitrateKbps * 1000) / 8 / 5)), 0x55);
        const iv = setInterval(() => {
          if (!socket.destroyed && socket.writableLength < 65536) socket.write(chunk);
        }, 200);
        closed.then(() => clearInterval(iv));
      }
      if (leaveAfterMs !== undefined) {
        const t = setTimeout(() => handle.close(), leaveAfterMs);
        closed.then(() => clearTimeout(t));
      }
      resolve(handle);
    };
    socket.on('data', onData);
  });
}

/**
 * A set of clients: some leave at given times (ms after all connected), the rest never leave.
 * @param {{
 *   host?: string, rtmpPort: number, httpPort?: number,
 *   clients?: Array<{ kind: ClientKind, stream?: string, leaveAfterMs?: number, bitrateKbps?: number }>,
 *   leaveAfterMs?: number[], stayers?: number, kind?: ClientKind, stream?: string,
 * }} opts  either an explicit `clients` list, or `leaveAfterMs` (one client per entry) + `stayers`
 *          (clients that never leave), all of `kind` (default 'play') on `stream`.
 * @returns {Promise<{ handles: ClientHandle[], leavers: ClientHandle[], stayers: ClientHandle[], left: Promise<void>, closeAll(): Promise<void> }>}
 */
async function clientSchedule(opts) {
  const { host = '127.0.0.1', rtmpPort, httpPort, kind = 'play', stream = 'live/livestream' } = opts;
  const specs = opts.clients || [
    ...(opts.leaveAfterMs || []).map((ms) => ({ kind, stream, leaveAfterMs: ms })),
    ...Array.from({ length: opts.stayers || 0 }, () => ({ kind, stream, leaveAfterMs: undefined })),
  ];
  /** @type {ClientHandle[]} */
  const handles = [];
  /** @type {ClientHandle[]} */
  const leavers = [];
  /** @type {ClientHandle[]} */
  const stayers = [];
  try {
    for (const s of specs) {
      const port = s.kind === 'flv' ? httpPort : rtmpPort;
      if (!port) throw new Error(`no port for ${s.kind} client`);
      const h = await connectClient({
        host,
        port,
        kind: s.kind,
        stream: s.stream || stream,
        bitrateKbps: 'bitrateKbps' in s ? s.bitrateKbps : 0,
      });
      handles.push(h);
      (s.leaveAfterMs === undefined ? stayers : leavers).push(h);
    }
  } catch (e) {
    await Promise.all(handles.map((h) => h.close()));
    throw e;
  }
  specs.forEach((s, i) => {
    const h = handles[i];
    if (h && s.leaveAfterMs !== undefined) {
      const t = setTimeout(() => h.close(), s.leaveAfterMs);
      h.closed.then(() => clearTimeout(t));
    }
  });
  return {
    handles,
    leavers,
    stayers,
    left: Promise.all(leavers.map((h) => h.closed)).then(() => undefined),
    async closeAll() {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}

/** @param {string[]} argv */
async function cli(argv) {
  /** @type {Record<string, string>} */
  const a = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i] || '';
    if (k.startsWith('--')) a[k.slice(2)] = argv[i + 1] && !(argv[i + 1] || '').startsWith('--') ? String(argv[++i]) : 'true';
  }
  const port = Number(a.port);
  const reconnectMs = a['reconnect-ms'] !== undefined ? Number(a['reconnect-ms']) : undefined;
  if (!port || (reconnectMs !== undefined && !(reconnectMs > 0))) {
    process.stderr.write(
      'usage: media-client.js --port N [--host H] [--kind play|publish|flv] [--stream app/stream] [--leave-after-ms MS] [--count N] [--bitrate-kbps K] [--reconnect-ms N]\n',
    );
    process.exit(2);
  }
  const count = Number(a.count || 1);
  const kind = /** @type {ClientKind} */ (a.kind || 'play');
  const leave = a['leave-after-ms'] !== undefined ? Number(a['leave-after-ms']) : undefined;
  const bitrateKbps = Number(a['bitrate-kbps'] || 0);
  const base = { host: a.host || '127.0.0.1', port, kind, stream: a.stream || 'live/livestream', leaveAfterMs: leave, bitrateKbps };
  if (reconnectMs !== undefined) {
    const { reconnectingClient } = require('./media-reconnect');
    const rcs = Array.from({ length: count }, () =>
      reconnectingClient({
        ...base,
        reconnectMs,
        onEvent: (e) =>
          process.stdout.write(
            e.type === 'connected'
              ? `connected ${kind} ${base.stream} id=${e.id || '-'}\n`
              : e.type === 'closed'
                ? `disconnected ${kind} ${base.stream} id=${e.id || '-'}, reconnecting in ${reconnectMs}ms\n`
                : `failed ${kind} ${base.stream}: ${e.error}, retrying in ${reconnectMs}ms\n`,
          ),
      }),
    );
    const stopAll = () => {
      rcs.forEach((rc) => {
        void rc.stop();
      });
    };
    process.on('SIGINT', stopAll);
    process.on('SIGTERM', stopAll);
    await Promise.all(rcs.map((rc) => rc.stopped));
    process.stdout.write('stopped\n');
    process.exit(0);
  }
  /** @type {ClientHandle[]} */
  const hs = [];
  for (let i = 0; i < count; i++) {
    const h = await connectClient(base);
    process.stdout.write(`connected ${kind} ${h.stream} id=${h.id || '-'}\n`);
    hs.push(h);
  }
  const stop = () => {
    hs.forEach((h) => h.close());
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await Promise.all(hs.map((h) => h.closed));
  process.stdout.write('closed\n');
  process.exit(0);
}

/** @param {import('./media-reconnect').ReconnectOptions} opts */
function reconnectingClient(opts) {
  return require('./media-reconnect').reconnectingClient(opts);
}

module.exports = { connectClient, clientSchedule, reconnectingClient };

if (require.main === module) {
  cli(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
