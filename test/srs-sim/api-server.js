// @ts-check
'use strict';
/**
 * The HTTP API (contract section 7), as observed on real SRS 6.0.157 / 5.0.216: answers are JSON with
 * `Connection: Close`; successful ones carry code/server/service/pid, errors are HTTP 200 `{"code":N}` only; the raw
 * API's answers carry no envelope either.
 */
const http = require('http');
const fs = require('fs');
const os = require('os');
const { signature } = require('./srs-version');

/**
 * @typedef {{
 *   version: string, serverId: string, serviceId: string, startedAt: number, argv: string,
 *   hub: import('./media-hub').MediaHub,
 *   getSettings: () => import('./config-parser').SrsSettings,
 *   reloadState: { err: number, msg: string, state: number, rid: string },
 *   requestReload: () => void,
 *   noStreams: boolean,
 *   connSrs: () => number,
 *   rawApi: boolean, allowReload: boolean,
 * }} ApiContext
 *   rawApi / allowReload: read once at start (as SRS does)
 * @typedef {{ status: number, text: string, headers?: Record<string, string> }} PlainAnswer
 * @typedef {{ json: Record<string, unknown>, envelope: boolean }} JsonAnswer
 */

const ERR = { RAW: 1060, RAW_DISABLED: 1061, VHOST_NOT_FOUND: 2014, STREAM_NOT_FOUND: 2048, CLIENT_NOT_FOUND: 2049 };

/** C's atoi: leading integer, else 0. @param {string | null} v */
function atoi(v) {
  const m = /^\s*([+-]?\d+)/.exec(v || '');
  return m ? Number(m[1]) : 0;
}

/** SRS's paging: start >= 0, count >= 10 (no upper bound); lists are ordered by id. @param {URL} url */
function page(url) {
  return { start: Math.max(0, atoi(url.searchParams.get('start'))), count: Math.max(10, atoi(url.searchParams.get('count'))) };
}

/** @template {{ id: string }} T @param {T[]} items @param {URL} url */
function paged(items, url) {
  const { start, count } = page(url);
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(start, start + count);
}

const METHOD_NOT_ALLOWED = { status: 405, text: 'Method Not Allowed' };

const ROOT_URLS = { api: 'the api root', rtc: { v1: { play: 'Play stream', publish: 'Publish stream', nack: 'Simulate the NACK' } } };
const API_URLS = { v1: 'the api version 1.0' };
const V1_URLS = {
  versions: 'the version of SRS',
  summaries: 'the summary(pid, argv, pwd, cpu, mem) of SRS',
  rusages: 'the rusage of SRS',
  self_proc_stats: 'the self process stats',
  system_proc_stats: 'the system process stats',
  meminfos: 'the meminfo of system',
  authors: 'the license, copyright, authors and contributors',
  features: 'the supported features of SRS',
  requests: 'the request itself, for http debug',
  vhosts: 'manage all vhosts or specified vhost',
  streams: 'manage all streams or specified stream',
  clients: 'manage all clients or specified client, default query top 10 clients',
  raw: 'raw api for srs, support CUID srs for instance the config',
  clusters: 'origin cluster server API',
  perf: 'System performance stat',
  tcmalloc: 'tcmalloc api with params ?page=summary|api',
};
const V1_TESTS = {
  requests: 'show the request info',
  errors: 'always return an error 100',
  redirects: 'always redirect to /api/v1/test/errors',
  '[vhost]': 'http vhost for http://error.srs.com:1985/api/v1/tests/errors',
};

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
  const rtmpPort = ctx.getSettings().rtmp[0]?.port ?? 1935;
  const scheme = c.type === 'flv-play' ? 'http' : 'rtmp';
  const sent = c.socket.bytesWritten || 0;
  const recv = c.socket.bytesRead || 0;
  const kb = (/** @type {number} */ b) => (alive > 0 ? Math.round((b * 8) / 1000 / alive) : 0);
  return {
    id: c.id,
    vhost: c.vhost,
    stream: ctx.hub.streamId(c),
    ip: c.ip,
    pageUrl: '',
    swfUrl: '',
    tcUrl: `${scheme}://127.0.0.1:${rtmpPort}/${c.app}`,
    url: c.url,
    name: c.type === 'flv-play' ? `${c.streamName}.flv` : c.streamName,
    type: c.type,
    publish: c.publish,
    alive: Math.round(alive * 100) / 100,
    send_bytes: sent,
    recv_bytes: recv,
    kbps: { recv_30s: kb(recv), send_30s: kb(sent) },
  };
}

/** @param {import('./media-hub').Stream} s @param {ApiContext} ctx */
function streamJson(s, ctx) {
  const rtmpPort = ctx.getSettings().rtmp[0]?.port ?? 1935;
  return {
    id: s.id,
    name: s.name,
    vhost: s.vhost,
    app: s.app,
    tcUrl: `rtmp://127.0.0.1:${rtmpPort}/${s.app}`,
    url: s.url,
    live_ms: Date.now(),
    clients: s.clients.size,
    frames: 0,
    send_bytes: 0,
    recv_bytes: 0,
    kbps: { recv_30s: 0, send_30s: 0 },
    publish: { active: !!s.publisher, cid: s.publisher ? s.publisher.id : '' },
    video: s.publisher ? { codec: 'H264', profile: 'High', level: '3.1', width: 1280, height: 720 } : null,
    audio: s.publisher ? { codec: 'AAC', sample_rate: 44100, channel: 2, profile: 'LC' } : null,
  };
}

/** @param {Record<string, unknown>} body @returns {JsonAnswer} */
const ok = (body) => ({ json: { code: 0, ...body }, envelope: true });
/** An error answer: `{"code":N}` only (no server/service/pid). @param {number} code @returns {JsonAnswer} */
const fail = (code) => ({ json: { code }, envelope: false });

/**
 * The answer to one API request. Observed on real SRS: unknown paths answer the nearest listing (`/`, `/api/`,
 * `/api/v1/`), never 404; error answers carry only `code`; clients/streams/vhosts answer 405 to other methods.
 * @param {ApiContext} ctx
 * @param {string} method
 * @param {URL} url
 * @returns {{ redirect: string } | PlainAnswer | JsonAnswer}
 */
function route(ctx, method, url) {
  const p = url.pathname;
  if (p === '/api/v1/clients' || p === '/api/v1/streams' || p === '/api/v1/vhosts') return { redirect: `${p}/${url.search}` };
  const [maj = '0', min = '0', rev = '0'] = ctx.version.split('.');
  if (p === '/api/v1/versions') {
    return ok({ data: { major: Number(maj), minor: Number(min), revision: Number(rev), version: ctx.version } });
  }
  if (p === '/api/v1/summaries') {
    const mem = process.memoryUsage();
    const [l1 = 0, l5 = 0, l15 = 0] = os.loadavg();
    const cpu = cpuPercent();
    const totalKb = Math.round(os.totalmem() / 1024);
    return ok({
      data: {
        ok: true,
        now_ms: Date.now(),
        self: {
          version: ctx.version,
          pid: process.pid,
          ppid: process.ppid,
          argv: ctx.argv,
          cwd: process.cwd(),
          mem_kbyte: Math.round(mem.rss / 1024),
          mem_percent: Math.round((mem.rss / 1024 / totalKb) * 10000) / 10000,
          cpu_percent: cpu,
          srs_uptime: Math.floor((Date.now() - ctx.startedAt) / 1000),
        },
        system: {
          cpu_percent: cpu,
          disk_read_KBps: 0,
          disk_write_KBps: 0,
          disk_busy_percent: 0,
          mem_ram_kbyte: totalKb,
          mem_ram_percent: Math.round((1 - os.freemem() / os.totalmem()) * 10000) / 10000,
          mem_swap_kbyte: 0,
          mem_swap_percent: 0,
          cpus: os.cpus().length,
          cpus_online: os.cpus().length,
          uptime: os.uptime(),
          ilde_time: 0,
          load_1m: l1,
          load_5m: l5,
          load_15m: l15,
          net_sample_time: Date.now(),
          net_recv_bytes: 0,
          net_send_bytes: 0,
          net_recvi_bytes: 0,
          net_sendi_bytes: 0,
          srs_sample_time: Date.now(),
          srs_recv_bytes: 0,
          srs_send_bytes: 0,
          conn_sys: connSys(),
          conn_sys_et: connSys(),
          conn_sys_tw: 0,
          conn_sys_udp: 0,
          conn_srs: ctx.connSrs(),
        },
      },
    });
  }
  if (p === '/api/v1/vhosts/' || p.startsWith('/api/v1/vhosts/')) {
    const id = p.slice('/api/v1/vhosts/'.length);
    const s = ctx.getSettings();
    const hub = ctx.hub;
    const all = hub.vhostSeen ? [hub.vhostId] : [];
    if (id && !all.includes(id)) return fail(ERR.VHOST_NOT_FOUND);
    if (method !== 'GET') return METHOD_NOT_ALLOWED;
    const vhostJson = () => ({
      id: hub.vhostId,
      name: s.vhosts[0] || '__defaultVhost__',
      enabled: true,
      clients: hub.clients.size,
      streams: ctx.noStreams ? 0 : hub.streams.size,
      send_bytes: 0,
      recv_bytes: 0,
      kbps: { recv_30s: 0, send_30s: 0 },
      hls: { enabled: false },
    });
    return id ? ok({ vhost: vhostJson() }) : ok({ vhosts: all.map(vhostJson) });
  }
  const cm = /^\/api\/v1\/clients\/(.*)$/.exec(p);
  if (cm) {
    const id = cm[1] || '';
    const c = id ? ctx.hub.clients.get(id) : undefined;
    if (id && !c) return fail(ERR.CLIENT_NOT_FOUND);
    if (method === 'DELETE') {
      if (!c) return fail(ERR.CLIENT_NOT_FOUND);
      ctx.hub.kick(id);
      return ok({});
    }
    if (method !== 'GET') return METHOD_NOT_ALLOWED;
    if (!c) return ok({ clients: paged([...ctx.hub.clients.values()], url).map((x) => clientJson(x, ctx)) });
    return ok({ client: clientJson(c, ctx) });
  }
  const sm = /^\/api\/v1\/streams\/(.*)$/.exec(p);
  if (sm) {
    const all = ctx.noStreams ? [] : [...ctx.hub.streams.values()];
    const id = sm[1] || '';
    const st = id ? all.find((x) => x.id === id) : undefined;
    if (id && !st) return fail(ERR.STREAM_NOT_FOUND);
    if (method !== 'GET') return METHOD_NOT_ALLOWED;
    if (!st) return ok({ streams: paged(all, url).map((x) => streamJson(x, ctx)) });
    return ok({ stream: streamJson(st, ctx) });
  }
  if (p === '/api/v1/raw') {
    const rpc = url.searchParams.get('rpc') || '';
    if (rpc === 'raw') {
      const s = ctx.getSettings();
      return {
        json: {
          code: 0,
          http_api: {
            enabled: !!s.httpApi,
            listen: String(s.httpApi ? s.httpApi.port : 1985),
            crossdomain: true,
            raw_api: { enabled: ctx.rawApi, allow_reload: ctx.allowReload, allow_query: false, allow_update: false },
          },
        },
        envelope: false,
      };
    }
    if (!ctx.rawApi) return fail(ERR.RAW_DISABLED);
    if (rpc === 'reload') {
      if (!ctx.allowReload) return fail(ERR.RAW_DISABLED);
      ctx.requestReload();
      return fail(0);
    }
    if (rpc === 'reload-fetch') return { json: { code: 0, data: { ...ctx.reloadState } }, envelope: false };
    return fail(ERR.RAW);
  }
  if (p.startsWith('/api/v1/')) return ok({ urls: V1_URLS, tests: V1_TESTS });
  if (p === '/api' || p.startsWith('/api/')) return ok({ urls: API_URLS });
  return ok({ urls: ROOT_URLS });
}

/**
 * @param {ApiContext} ctx
 * @param {import('./media-hub').MediaHub} hub
 */
function createApiServer(ctx, hub) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://localhost');
    const serverHeader = signature(ctx.version);
    const out = route(ctx, req.method || 'GET', url);
    if ('redirect' in out) {
      const body = `Redirect to ${out.redirect}`;
      res.writeHead(302, {
        Connection: 'Close',
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        Location: out.redirect,
        Server: serverHeader,
      });
      res.end(body);
      return;
    }
    if ('text' in out) {
      res.writeHead(out.status, {
        Connection: 'Close',
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(out.text),
        Server: serverHeader,
      });
      res.end(out.text);
      return;
    }
    const { code, ...rest } = out.json;
    const json = out.envelope ? { code, server: ctx.serverId, service: ctx.serviceId, pid: String(process.pid), ...rest } : out.json;
    const body = JSON.stringify(json);
    res.writeHead(200, {
      Connection: 'Close',
      'Content-Length': Buffer.byteLength(body),
      'Content-Type': 'application/json',
      Server: serverHeader,
    });
    res.end(body);
  });
  server.on('connection', (s) => {
    hub.track(s);
    s.on('error', () => {});
  });
  server.keepAliveTimeout = 1000;
  return server;
}

module.exports = { createApiServer, route };
