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
  logger: Logger;
}

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
