import type { Redis } from 'ioredis';
import { ChatopsError, ErrorCode } from '../../core/errors';
import { createQueueDashboard } from '../../adapters/bullmq/queue-dashboard';
import { startOpsServer, type OpsServer } from '../../adapters/http/ops-server';
import { assessReadiness, type ReadinessCheck } from '../../adapters/http/readiness';
import type { Logger } from '../../adapters/logger';
import type { PromMetrics } from '../../adapters/metrics/prom-metrics';
import type { OpsEnv } from './read-ops-env';
import type { OutputStorePort } from '../../ports/output-store-port';

/** Options of {@link startOpsEndpoints}. */
export interface OpsEndpointsOptions {
  ops: OpsEnv;
  metrics: PromMetrics;
  checks: readonly ReadinessCheck[];
  logger: Logger;
  /** A connection for the queue dashboard (when `ops.dashboard` is set). */
  redis?: Redis;
  /** The jobs' kept output: served at `/output/<job id>` behind the dashboard's credentials (when `ops.dashboard` is set). */
  outputs?: OutputStorePort;
}

/** Starts /metrics, /healthz, /readyz (and the dashboard when asked) on the ops port; nothing when the port is off. */
export async function startOpsEndpoints(o: OpsEndpointsOptions): Promise<OpsServer | undefined> {
  if (o.ops.port === undefined) return undefined;
  const board = o.ops.dashboard && o.redis ? { ...o.ops.dashboard, ...createQueueDashboard(o.redis, o.ops.dashboard.basePath) } : undefined;
  const outputs = o.outputs;
  let server: OpsServer;
  try {
    server = await startOpsServer({
      port: o.ops.port,
      host: o.ops.host,
      metrics: { contentType: o.metrics.contentType, text: () => o.metrics.text() },
      ready: () => assessReadiness(o.checks),
      ...(board ? { dashboard: { basePath: board.basePath, credentials: board.credentials, handler: board.handler } } : {}),
      ...(o.ops.dashboard && outputs
        ? { outputs: { credentials: o.ops.dashboard.credentials, get: (id: string) => outputs.get(id) } }
        : {}),
      logger: o.logger,
    });
  } catch (err) {
    await board?.close();
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `cannot serve /metrics on ${o.ops.host}:${o.ops.port} (${code}): set METRICS_PORT to a free port, or \`off\``,
      { cause: err },
    );
  }
  o.logger.info({ port: server.port, dashboard: board ? board.basePath : 'off' }, 'ops endpoints: /metrics /healthz /readyz');
  return {
    port: server.port,
    close: async () => {
      await server.close();
      await board?.close();
    },
  };
}
