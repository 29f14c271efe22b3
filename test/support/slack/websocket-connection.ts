import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * A minimal server side of RFC 6455 on top of node:http's `upgrade` event, enough for Slack's Socket Mode
 * client (undici WebSocket): text frames (fragmented or not), ping -> pong, close handshake. No extensions
 * are negotiated (permessage-deflate offers are ignored, which the RFC allows).
 */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  let header: Buffer;
  if (len < 126) {
    header = Buffer.from([0x80 | opcode, len]);
  } else if (len < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  size: number;
}

/** Decodes one (client, masked) frame from the start of `buf`, or undefined if incomplete. */
function decodeFrame(buf: Buffer): Frame | undefined {
  const b0 = buf[0];
  const b1 = buf[1];
  if (b0 === undefined || b1 === undefined) return undefined;
  let offset = 2;
  let len = b1 & 0x7f;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const masked = (b1 & 0x80) !== 0;
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (masked) {
    for (let i = 0; i < payload.length; i += 1) {
      payload[i] = (payload[i] ?? 0) ^ (buf[maskOffset + (i % 4)] ?? 0);
    }
  }
  return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload, size: offset + len };
}

export class WsConnection {
  private pending: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = OP_TEXT;
  private readonly messageListeners: Array<(text: string) => void> = [];
  private readonly closeListeners: Array<(code: number) => void> = [];
  private closing = false;
  private finished = false;
  /** Pings received from the client (Slack's client pings every few seconds). */
  pings = 0;

  constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('close', () => this.finish(1006));
    socket.on('error', () => this.finish(1006));
  }

  get open(): boolean {
    return !this.closing && !this.finished;
  }

  onMessage(listener: (text: string) => void): void {
    this.messageListeners.push(listener);
  }

  onClose(listener: (code: number) => void): void {
    this.closeListeners.push(listener);
  }

  sendText(text: string): void {
    if (!this.finished) this.socket.write(encodeFrame(OP_TEXT, Buffer.from(text, 'utf8')));
  }

  /** Starts the close handshake; the socket is dropped if the client does not answer within `graceMs`. */
  close(code = 1000, reason = '', graceMs = 1000): void {
    if (this.closing || this.finished) return;
    this.closing = true;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.socket.write(encodeFrame(OP_CLOSE, payload));
    setTimeout(() => this.terminate(), graceMs).unref();
  }

  /** Drops the TCP connection without a close frame (a network failure, as the client sees it). */
  terminate(): void {
    this.socket.destroy();
    this.finish(1006);
  }

  feed(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const frame = decodeFrame(this.pending);
      if (frame === undefined) return;
      this.pending = this.pending.subarray(frame.size);
      this.dispatch(frame);
    }
  }

  private dispatch(frame: Frame): void {
    switch (frame.opcode) {
      case OP_TEXT:
      case OP_BINARY:
        this.fragmentOpcode = frame.opcode;
        this.fragments = [frame.payload];
        if (frame.fin) this.deliver();
        break;
      case OP_CONTINUATION:
        this.fragments.push(frame.payload);
        if (frame.fin) this.deliver();
        break;
      case OP_PING:
        this.pings += 1;
        if (!this.finished) this.socket.write(encodeFrame(OP_PONG, frame.payload));
        break;
      case OP_CLOSE: {
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        if (!this.closing && !this.finished) this.socket.write(encodeFrame(OP_CLOSE, frame.payload.subarray(0, 2)));
        this.closing = true;
        this.socket.end();
        this.finish(code);
        break;
      }
      default:
        break; // pong and reserved opcodes
    }
  }

  private deliver(): void {
    const data = Buffer.concat(this.fragments);
    this.fragments = [];
    if (this.fragmentOpcode !== OP_TEXT) return;
    const text = data.toString('utf8');
    for (const listener of this.messageListeners) listener(text);
  }

  private finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    for (const listener of this.closeListeners) listener(code);
  }
}

/** Completes the opening handshake of an `upgrade` request; answers 400 and returns undefined if it is not one. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): WsConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  const connection = new WsConnection(socket);
  if (head.length > 0) connection.feed(head);
  return connection;
}
