import http from 'node:http';
import type { Socket } from 'node:net';
import type { NodeSSH } from 'node-ssh';
import { ChatopsError, ErrorCode } from '../../core/errors';
import type { HostHttpResponse } from '../../ports/host-port';
import { withTimeout } from '../../core/with-timeout';
import { CappedBuffer } from './capped-buffer';

/** Bytes kept of an HTTP answer's body. */
const BODY_CAP_BYTES = 1024 * 1024;

/**
 * GETs `path` from `hostPort` (`host:port` as seen from the host, e.g. `127.0.0.1:1985`) through a direct-tcpip
 * channel of `ssh`. Both opening the channel and the request are bounded by `timeoutMs`; either rejects with
 * `command_timeout` when it runs out.
 */
export async function httpGetOverSsh(ssh: NodeSSH, hostPort: string, path: string, timeoutMs: number): Promise<HostHttpResponse> {
  const [host, portText] = splitHostPort(hostPort);
  const channel = await withTimeout(
    ssh.forwardOut('127.0.0.1', 0, host, Number(portText)),
    timeoutMs,
    () => new ChatopsError(ErrorCode.CommandTimeout, `API connect timed out after ${timeoutMs} ms`),
  );
  return httpOverChannel(channel, host, path, timeoutMs);
}

/** Splits `host:port` at its last colon. */
export function splitHostPort(hostPort: string): [string, string] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i), hostPort.slice(i + 1)];
}

/** One `GET path` (Connection: close) written to `channel`, and the answer read from it; the body is capped at 1 MiB. */
export function httpOverChannel(channel: NodeJS.ReadWriteStream, host: string, path: string, timeoutMs: number): Promise<HostHttpResponse> {
  return new Promise<HostHttpResponse>((resolve, reject) => {
    const req = http.request(
      {
        // ssh2's Channel is a Duplex; http only needs a stream to write the request to and read the answer from.
        createConnection: () => channel as unknown as Socket,
        host,
        path,
        method: 'GET',
        headers: { Connection: 'close' },
        timeout: timeoutMs,
      },
      (res) => {
        const body = new CappedBuffer(BODY_CAP_BYTES);
        res.on('data', (d: Buffer) => body.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.text() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => {
      req.destroy(new ChatopsError(ErrorCode.CommandTimeout, `API request ${path} timed out`));
    });
    req.on('error', reject);
    req.end();
  });
}
