// @ts-check
'use strict';
/**
 * Registry of media clients and streams of one simulated SRS process.
 * A client is a held-open TCP connection (RTMP publisher/player or HTTP-FLV player).
 */
const { newCid } = require('./logger');

/**
 * @typedef {'fmle-publish' | 'rtmp-play' | 'flv-play'} ClientType
 * @typedef {{
 *   id: string, vhost: string, app: string, streamName: string, ip: string, url: string,
 *   type: ClientType, publish: boolean, createdAt: number,
 *   socket: import('net').Socket, sink: (data: Buffer) => void
 * }} Client
 * @typedef {{
 *   id: string, name: string, app: string, vhost: string, url: string, createdAt: number,
 *   publisher: Client | null, clients: Set<Client>
 * }} Stream
 */

class MediaHub {
  /** @param {{ refusePublish?: boolean, onLog?: (msg: string) => void, onKick?: (id: string) => void }} [opts] */
  constructor(opts = {}) {
    /** @type {Map<string, Client>} */
    this.clients = new Map();
    /** @type {Map<string, Stream>} */
    this.streams = new Map();
    /** All open sockets on every listener (media and API), for the drain count. */
    /** @type {Set<import('net').Socket>} */
    this.sockets = new Set();
    this.refusePublish = !!opts.refusePublish;
    this.onLog = opts.onLog || (() => {});
    this.onKick = opts.onKick || (() => {});
    this.vhostId = `vid-${newCid(7)}`;
    /** SRS's statistics list a vhost only once a client used it (then for good). */
    this.vhostSeen = false;
  }

  /** Track a raw socket of any listener until it closes. @param {import('net').Socket} s */
  track(s) {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  /** @param {string} app @param {string} name */
  streamFor(app, name) {
    const key = `${app}/${name}`;
    let st = this.streams.get(key);
    if (!st) {
      st = {
        id: `vid-${newCid(7)}`,
        name,
        app,
        vhost: this.vhostId,
        url: `/${key}`,
        createdAt: Date.now(),
        publisher: null,
        clients: new Set(),
      };
      this.streams.set(key, st);
    }
    return st;
  }

  /**
   * Register a classified connection. Returns null when refused (publisher on a busy stream, or
   * a broken build that serves no streams).
   * @param {import('net').Socket} socket
   * @param {ClientType} type
   * @param {string} path  "app/stream"
   * @param {(data: Buffer) => void} [sink]  how media data reaches this client (players)
   * @returns {Client | null}
   */
  add(socket, type, path, sink) {
    const [app = 'live', ...rest] = path.replace(/^\/+/, '').split('/');
    const name = rest.join('/') || 'livestream';
    const publish = type === 'fmle-publish';
    const key = `${app}/${name}`;
    if (publish && (this.refusePublish || this.streams.get(key)?.publisher)) return null;
    const st = this.streamFor(app, name);
    /** @type {Client} */
    const c = {
      id: newCid(),
      vhost: this.vhostId,
      app,
      streamName: name,
      ip: socket.remoteAddress?.replace(/^::ffff:/, '') || '127.0.0.1',
      url: `/${key}`,
      type,
      publish,
      createdAt: Date.now(),
      socket,
      sink:
        sink ||
        ((d) => {
          socket.write(d);
        }),
    };
    this.clients.set(c.id, c);
    this.vhostSeen = true;
    st.clients.add(c);
    if (publish) st.publisher = c;
    socket.once('close', () => this.remove(c));
    return c;
  }

  /** @param {Client} c */
  remove(c) {
    if (!this.clients.delete(c.id)) return;
    const st = this.streams.get(`${c.app}/${c.streamName}`);
    if (!st) return;
    st.clients.delete(c);
    if (st.publisher === c) {
      st.publisher = null;
      // SRS unmounts the HTTP-FLV stream when the publisher leaves: its players are disconnected.
      for (const p of [...st.clients]) if (p.type === 'flv-play') p.socket.destroy();
    }
    if (st.clients.size === 0 && !st.publisher) this.streams.delete(`${c.app}/${c.streamName}`);
  }

  /**
   * Relay a publisher's bytes to the players of its stream (skipping players that do not read,
   * so memory stays bounded).
   * @param {Client} pub @param {Buffer} data
   */
  relay(pub, data) {
    const st = this.streams.get(`${pub.app}/${pub.streamName}`);
    if (!st || st.publisher !== pub) return;
    for (const p of st.clients) {
      if (p !== pub && !p.socket.destroyed && p.socket.writableLength < 65536) p.sink(data);
    }
  }

  /** Kick one client (API DELETE). @param {string} id */
  kick(id) {
    const c = this.clients.get(id);
    if (!c) return false;
    this.onKick(id);
    c.socket.destroy();
    this.remove(c);
    return true;
  }

  /** @param {Client} c */
  streamId(c) {
    return this.streams.get(`${c.app}/${c.streamName}`)?.id || '';
  }
}

module.exports = { MediaHub };
