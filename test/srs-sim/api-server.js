// @ts-check
'use strict';
/**
 * The HTTP API (contract section 7). Every answer is JSON with code/server/service/pid and
 * `Connection: Close`; errors are HTTP 200 with a non-zero code.
 */
const http = require('http');
const fs = require('fs');
const os = require('os');

/**
 * @typedef {{
 *   version: string, serverId: string, serviceId: string, startedAt: number, argv: string,
 *   hub: import('./media-hub').MediaHub,
 *   getSettings: () => import('./config-parser').SrsSettings,
 *   reloadState: { err: number, msg: string, state: number, rid: string },
 *   requestReload: () => void,
 *   noStreams: boolean,
 *   connSrs: () => number,
 * }} ApiContext
 */

const ERR = { NOT_FOUND: 1004, RAW_DISABLED: 1061, RAW_NOT_ALLOWED: 1062, RAW_PARAMS: 1063, STREAM_NOT_FOUND: 2048, CLIENT_NOT_FOUND: 2049 };

let lastCpu = process.cpuUsage();
let lastCpuAt = Date.now();
function cpuPercent() {
  const now = Date.now();
  const u = process.cpuUsage(lastCpu);
  const pct = now > lastCpuAt ? ((u.user + u.system) / 1000 / (now - lastCpuAt)) * 100 : 0;
  lastCpu = process.cpuUsage();
  lastCpuAt = now;
  return Math.round(pct * 100) / 100;
}

function connSys() {
  try {
    const m = /TCP: inuse (\d+)/.exec(fs.readFileSync('/proc/net/sockstat', 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** @param {import('./media-hub').Client} c @param {ApiContext} ctx */
function clientJson(c, ctx) {
  const alive = (Date.now() - c.createdAt) / 1000;
  const sent = c.socket.bytesWritten || 0;
  const recv = c.socket.bytesRead || 0;
  const kb = (/** @type {number} */ b) => (alive > 0 ? Math.round((b * 8) / 1000 / alive) : 0);
  return {
    id: c.id, vhost: c.vhost, stream: ctx.hub.streamId(c), ip: c.ip, pageUrl: '', swfUrl: '',
    tcUrl: `rtmp://127.0.0.1/${c.app}`, url: c.url, name: c.url, type: c.type, publish: c.publish,
    alive: Math.round(alive * 1000) / 1000, send_bytes: sent, recv_bytes: recv,
    kbps: { recv_30s: kb(recv), send_30s: kb(sent) },
  };
}

/** @param {import('./media-hub').Stream} s */
function streamJson(s) {
  return {
    id: s.id, name: s.name, vhost: s.vhost, app: s.app, tcUrl: `rtmp://127.0.0.1/${s.app}`, url: s.url,
    live_ms: Date.now(), clients: s.clients.size, frames: 0, send_bytes: 0, recv_bytes: 0,
    kbps: { recv_30s: 0, send_30s: 0 },
    publish: { active: !!s.publisher, cid: s.publisher ? s.publisher.id : '' },
    video: s.publisher ? { codec: 'H264', profile: 'High', level: '3.1', width: 1280, height: 720 } : null,
    audio: s.publisher ? { codec: 'AAC', sample_rate: 44100, channel: 2, profile: 'LC' } : null,
  };
}

/**
 * @param {ApiContext} ctx
 * @param {string} method
 * @param {URL} url
 * @returns {{ redirect: string } | Record<string, unknown>}
 */
function route(ctx, method, url) {
  const p = url.pathname;
  if (p === '/api/v1/clients' || p === '/api/v1/streams' || p === '/api/v1/vhosts') return { redirect: `${p}/${url.search}` };
  const [maj = '0', min = '0', rev = '0'] = ctx.version.split('.');
  if (p === '/api/' || p === '/api') return { code: 0, urls: { v1: 'the api version 1.0' } };
  if (p === '/api/v1/' || p === '/api/v1') {
    return { code: 0, urls: { versions: 'the version of SRS', summaries: 'the summary(pid, argv, pwd, cpu, mem) of SRS', clients: 'dump clients', streams: 'dump streams', vhosts: 'dump vhosts', raw: 'raw api for srs' } };
  }
  if (p === '/api/v1/versions') {
    return { code: 0, data: { major: Number(maj), minor: Number(min), revision: Number(rev), version: ctx.version } };
  }
  if (p === '/api/v1/summaries') {
    const mem = process.memoryUsage();
    const [l1 = 0, l5 = 0, l15 = 0] = os.loadavg();
    const cpu = cpuPercent();
    const totalKb = Math.round(os.totalmem() / 1024);
    return {
      code: 0,
      data: {
        ok: true, now_ms: Date.now(),
        self: {
          version: ctx.version, pid: process.pid, ppid: process.ppid, argv: ctx.argv, cwd: process.cwd(),
          mem_kbyte: Math.round(mem.rss / 1024), mem_percent: Math.round((mem.rss / 1024 / totalKb) * 10000) / 10000,
          cpu_percent: cpu, srs_uptime: Math.floor((Date.now() - ctx.startedAt) / 1000),
        },
        system: {
          cpu_percent: cpu, disk_read_KBps: 0, disk_write_KBps: 0, disk_busy_percent: 0,
          mem_ram_kbyte: totalKb, mem_ram_percent: Math.round((1 - os.freemem() / os.totalmem()) * 10000) / 10000,
          mem_swap_kbyte: 0, mem_swap_percent: 0, cpus: os.cpus().length, cpus_online: os.cpus().length,
          uptime: os.uptime(), ilde_time: 0, load_1m: l1, load_5m: l5, load_15m: l15,
          net_sample_time: Date.now(), net_recv_bytes: 0, net_send_bytes: 0, net_recvi_bytes: 0, net_sendi_bytes: 0,
          srs_sample_time: Date.now(), srs_recv_bytes: 0, srs_send_bytes: 0,
          conn_sys: connSys(), conn_sys_et: connSys(), conn_sys_tw: 0, conn_sys_udp: 0, conn_srs: ctx.connSrs(),
        },
      },
    };
  }
  if (p === '/api/v1/vhosts/') {
    const s = ctx.getSettings();
    return {
      code: 0,
      vhosts: s.vhosts.map((name) => ({
        id: ctx.hub.vhostId, name, enabled: true, clients: ctx.hub.clients.size, streams: ctx.noStreams ? 0 : ctx.hub.streams.size,
        send_bytes: 0, recv_bytes: 0, kbps: { recv_30s: 0, send_30s: 0 }, hls: { enabled: false }, dash: { enabled: false },
      })),
    };
  }
  const cm = /^\/api\/v1\/clients\/(.*)$/.exec(p);
  if (cm) {
    const id = cm[1] || '';
    if (!id) {
      const start = Number(url.searchParams.get('start') || 0) || 0;
      const count = Number(url.searchParams.get('count') || 10) || 10;
      return { code: 0, clients: [...ctx.hub.clients.values()].slice(start, start + count).map((c) => clientJson(c, ctx)) };
    }
    const c = ctx.hub.clients.get(id);
    if (!c) return { code: ERR.CLIENT_NOT_FOUND };
    if (method === 'DELETE') { ctx.hub.kick(id); return { code: 0 }; }
    return { code: 0, client: clientJson(c, ctx) };
  }
  const sm = /^\/api\/v1\/streams\/(.*)$/.exec(p);
  if (sm) {
    const all = ctx.noStreams ? [] : [...ctx.hub.streams.values()];
    const id = sm[1] || '';
    if (!id) {
      const start = Number(url.searchParams.get('start') || 0) || 0;
      const count = Number(url.searchParams.get('count') || 10) || 10;
      return { code: 0, streams: all.slice(start, start + count).map(streamJson) };
    }
    const st = all.find((s) => s.id === id);
    return st ? { code: 0, stream: streamJson(st) } : { code: ERR.STREAM_NOT_FOUND };
  }
  if (p === '/api/v1/raw') {
    const s = ctx.getSettings();
    if (!s.rawApi) return { code: ERR.RAW_DISABLED };
    const rpc = url.searchParams.get('rpc');
    if (rpc === 'reload-fetch' || rpc === 'reload') {
      if (!s.allowReload) return { code: ERR.RAW_NOT_ALLOWED };
      if (rpc === 'reload') { ctx.requestReload(); return { code: 0 }; }
      return { code: 0, data: { ...ctx.reloadState } };
    }
    return { code: ERR.RAW_PARAMS };
  }
  return { code: ERR.NOT_FOUND };
}

/**
 * @param {ApiContext} ctx
 * @param {import('./media-hub').MediaHub} hub
 */
function createApiServer(ctx, hub) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://localhost');
    const base = { 'Content-Type': 'application/json', Connection: 'Close', Server: `SRS/${ctx.version}` };
    const out = route(ctx, req.method || 'GET', url);
    if ('redirect' in out && typeof out.redirect === 'string') {
      res.writeHead(302, { ...base, Location: out.redirect, 'Content-Length': 0 });
      res.end();
      return;
    }
    const { code, ...rest } = /** @type {Record<string, unknown>} */ (out);
    const body = JSON.stringify({ code, server: ctx.serverId, service: ctx.serviceId, pid: String(process.pid), ...rest });
    res.writeHead(200, { ...base, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.on('connection', (s) => { hub.track(s); s.on('error', () => {}); });
  server.keepAliveTimeout = 1000;
  return server;
}

module.exports = { createApiServer, route };
