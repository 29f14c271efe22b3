import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger';
import { basicAuthMatches, type BasicCredentials } from './basic-auth';
import type { ReadinessReport } from './readiness';

/** A dashboard served under `basePath`, only to requests carrying `credentials`. */
export interface ProtectedDashboard {
  basePath: string;
  credentials: BasicCredentials;
  handler: RequestListener;
}

/** Options of {@link startOpsServer}. */
export interface OpsServerOptions {
  port: number;
  /** @defaultValue `127.0.0.1` (loopback) */
  host?: string;
  metrics: { contentType: string; text: () => Promise<string> };
  ready: () => Promise<ReadinessReport>;
  dashboard?: ProtectedDashboard;
  /** `GET /output/<job id>`: a job's kept output, behind the same Basic credentials as the dashboard. */
  outputs?: ProtectedOutputs;
  logger: Logger;
}

/** The jobs' kept output, served only to requests carrying `credentials`. */
export interface ProtectedOutputs {
  credentials: BasicCredentials;
  get: (jobId: string) => Promise<{ text: string; sha256: string } | undefined>;
}

/** A job id as the bot makes them (`r-<time>-<hex>-<host>`): anything else is not looked up. */
const JOB_ID = /^r-[a-z0-9]{1,12}-[a-f0-9]{6}-[a-z0-9][a-z0-9._-]{0,80}$/;

/** The operator-facing HTTP server, apart from Slack's port. */
export interface OpsServer {
  /** The port bound (useful with port 0). */
  port: number;
  close: () => Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/**
 * `GET /metrics` (Prometheus text), `GET /healthz` (the process answers: liveness), `GET /readyz` (200 when every
 * readiness check passes, else 503, with the checks as JSON), and the dashboard when one is given (401 without the
 * right Basic credentials).
 */
export function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const d = o.dashboard;
    if (d && (path === d.basePath || path.startsWith(`${d.basePath}/`))) {
      if (!basicAuthMatches(req.headers.authorization, d.credentials)) {
        o.logger.warn({ path, remote: req.socket.remoteAddress }, 'queue dashboard: refused (no or wrong credentials)');
        res.writeHead(401, { 'www-authenticate': 'Basic realm="srs-chatops queues", charset="UTF-8"' }).end();
        return;
      }
      req.url = (req.url ?? '').slice(d.basePath.length) || '/';
      d.handler(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (o.outputs && path.startsWith('/output/')) {
      await serveOutput(o.outputs, o.logger, req, res, path);
      return;
    }
    if (path === '/metrics') {
      const text = await o.metrics.text();
      res.writeHead(200, { 'content-type': o.metrics.contentType }).end(text);
    } else if (path === '/healthz') {
      json(res, 200, { status: 'ok' });
    } else if (path === '/readyz') {
      const report = await o.ready();
      json(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', checks: report.checks });
    } else {
      res.writeHead(404).end();
    }
  };
  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      o.logger.error({ err: err instanceof Error ? err.message : String(err), url: req.url }, 'ops endpoint failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * `GET /output/<job id>`: the stored text, byte for byte (text/plain, UTF-8), with its SHA-256 recomputed now in
 * `x-output-sha256` (compare it with the audit record's `outputSha256`); 401 without the credentials, 404 when unknown
 * or expired.
 */
async function serveOutput(o: ProtectedOutputs, logger: Logger, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (!basicAuthMatches(req.headers.authorization, o.credentials)) {
    logger.warn({ path, remote: req.socket.remoteAddress }, 'job output: refused (no or wrong credentials)');
    res.writeHead(401, { 'www-authenticate': 'Basic realm="srs-chatops queues", charset="UTF-8"' }).end();
    return;
  }
  let jobId: string;
  try {
    jobId = decodeURIComponent(path.slice('/output/'.length));
  } catch {
    jobId = '';
  }
  const found = JOB_ID.test(jobId) ? await o.get(jobId) : undefined;
  if (found === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('no such job output (unknown job id, or expired)\n');
    return;
  }
  const body = Buffer.from(found.text, 'utf8');
  res
    .writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(body.length),
      'x-output-sha256': createHash('sha256').update(body).digest('hex'),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    .end(req.method === 'HEAD' ? undefined : body);
}
