// @ts-check
'use strict';
/**
 * Media listeners: the RTMP port (clients classified by an optional first line) and the HTTP
 * server port (HTTP-FLV players held open). The sim never closes a client connection itself,
 * except HTTP-FLV players whose publisher left and kicks through the API.
 */
const net = require('net');
const http = require('http');

const DEFAULT_CLASSIFY_MS = 200;
const FLV_HEADER = Buffer.from([0x46, 0x4c, 0x56, 0x01, 0x05, 0, 0, 0, 0x09, 0, 0, 0, 0]);

/**
 * RTMP listener. First line `publish app/stream` or `play app/stream`; anything else, or nothing
 * within 200 ms, is an RTMP player of live/livestream. Accepted clients get `OK <client id>\n`.
 * @param {import('./media-hub').MediaHub} hub
 */
function createRtmpServer(hub) {
  return net.createServer((socket) => {
    hub.track(socket);
    socket.on('error', () => {});
    let buf = '';
    let done = false;
    /** @param {'fmle-publish'|'rtmp-play'} type @param {string} path */
    const classify = (type, path) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      const c = hub.add(socket, type, path);
      if (!c) {
        socket.on('data', () => {});
        socket.end('ERR stream busy or publish refused\n');
        setTimeout(() => socket.destroy(), 100).unref();
        return;
      }
      // keep reading whatever the client sends (recv_bytes); a publisher's bytes go to its players
      socket.on('data', c.publish ? (/** @type {Buffer} */ d) => hub.relay(c, d) : () => {});
      socket.write(`OK ${c.id}\n`);
    };
    /** @param {Buffer} d */
    const onData = (d) => {
      buf += d.toString('latin1');
      const nl = buf.indexOf('\n');
      if (nl < 0 && buf.length < 256) return;
      const m = /^(publish|play)\s+(\S+)\s*$/.exec(nl >= 0 ? buf.slice(0, nl) : '');
      if (m) classify(m[1] === 'publish' ? 'fmle-publish' : 'rtmp-play', m[2] || 'live/livestream');
      else classify('rtmp-play', 'live/livestream');
    };
    const timer = setTimeout(() => classify('rtmp-play', 'live/livestream'), DEFAULT_CLASSIFY_MS);
    socket.on('data', onData);
    socket.once('close', () => clearTimeout(timer));
  });
}

/**
 * HTTP server: `GET /app/stream.flv` is an HTTP-FLV player, held open after the FLV header.
 * @param {import('./media-hub').MediaHub} hub
 * @param {{ serverHeader: string }} opts
 */
function createHttpServer(hub, opts) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://localhost');
    const m = /^\/(.+)\.flv$/.exec(url.pathname);
    if (req.method === 'GET' && m && m[1]) {
      const c = hub.add(req.socket, 'flv-play', m[1], (d) => {
        res.write(d);
      });
      if (!c) {
        res.writeHead(404, { Connection: 'Close' });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'video/x-flv', Server: opts.serverHeader, 'Cache-Control': 'no-cache' });
      res.write(FLV_HEADER);
      return; // held open; never ended by the sim
    }
    const body = url.pathname === '/' ? 'SRS simulator\n' : 'Not Found\n';
    res.writeHead(url.pathname === '/' ? 200 : 404, {
      'Content-Type': 'text/plain',
      'Content-Length': Buffer.byteLength(body),
      Server: opts.serverHeader,
      Connection: 'Close',
    });
    res.end(body);
  });
  server.on('connection', (s) => {
    hub.track(s);
    s.on('error', () => {});
  });
  server.requestTimeout = 0;
  server.headersTimeout = 30000;
  server.keepAliveTimeout = 5000;
  return server;
}

/**
 * Listen on host:port; resolves when bound, rejects with the bind error.
 * @param {net.Server} server @param {{ host: string, port: number }} addr
 * @returns {Promise<void>}
 */
function listen(server, addr) {
  return new Promise((resolve, reject) => {
    /** @param {Error} e */
    const onErr = (e) => reject(e);
    server.once('error', onErr);
    server.listen({ host: addr.host, port: addr.port, exclusive: true }, () => {
      server.removeListener('error', onErr);
      resolve();
    });
  });
}

module.exports = { createRtmpServer, createHttpServer, listen, FLV_HEADER };
