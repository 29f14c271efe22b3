import { ChatopsError, ErrorCode } from '../../core/errors';
import type { BasicCredentials } from '../../adapters/http/basic-auth';
import { dashboardCredentialsProblem } from './check-dashboard-credentials';

/** Default metrics ports: the bot's and a worker's (different, so both can run on one machine). */
export const DEFAULT_METRICS_PORT = { bot: 9464, worker: 9465 } as const;

/** The operator endpoints' settings, from the environment. */
export interface OpsEnv {
  /** Port of /metrics, /healthz, /readyz; undefined when `METRICS_PORT=off`. */
  port?: number;
  host: string;
  /** Bull Board (bot only), when `BULL_BOARD=on`. */
  dashboard?: { basePath: string; credentials: BasicCredentials };
}

/** Default address of the ops port: loopback, so nothing is exposed until a deployment says where to listen. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/**
 * Reads `METRICS_PORT` (a port, or `off`), `METRICS_HOST` (default 127.0.0.1), `BULL_BOARD` (`on`/`off`, default off),
 * `BULL_BOARD_USER` (default `operator`), `BULL_BOARD_PASSWORD` (required when on, and strong: see
 * {@link dashboardCredentialsProblem}). Throws with the fix on a bad value.
 */
export function readOpsEnv(env: NodeJS.ProcessEnv, kind: keyof typeof DEFAULT_METRICS_PORT): OpsEnv {
  const raw = env.METRICS_PORT?.trim();
  let port: number | undefined = DEFAULT_METRICS_PORT[kind];
  if (raw === 'off') port = undefined;
  else if (raw !== undefined && raw !== '') {
    port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ChatopsError(ErrorCode.ConfigInvalid, `METRICS_PORT=${raw} is not a port: set a number (0-65535) or \`off\``);
    }
  }
  const host = env.METRICS_HOST?.trim() || DEFAULT_METRICS_HOST;
  const out: OpsEnv = { host, ...(port !== undefined ? { port } : {}) };
  const board = (env.BULL_BOARD ?? 'off').trim().toLowerCase();
  if (board === 'off' || board === '' || kind !== 'bot') return out;
  if (board !== 'on') throw new ChatopsError(ErrorCode.ConfigInvalid, `BULL_BOARD=${board}: set \`on\` or \`off\``);
  const user = env.BULL_BOARD_USER ?? 'operator';
  const password = env.BULL_BOARD_PASSWORD ?? '';
  const problem = dashboardCredentialsProblem(user, password);
  if (problem !== undefined) throw new ChatopsError(ErrorCode.ConfigInvalid, problem);
  if (port === undefined)
    throw new ChatopsError(ErrorCode.ConfigInvalid, 'BULL_BOARD=on is served on the metrics port: set METRICS_PORT (not `off`)');
  return { ...out, dashboard: { basePath: '/queues', credentials: { user, password } } };
}

/**
 * `OPS_PUBLIC_URL`: where people reach the bot's ops server (through its proxy), e.g. `https://ops.example.com`:
 * `/srs output` links a long output to `<it>/output/<job id>`. Unset: no link (the answer says where to look).
 */
export function readOpsPublicUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.OPS_PUBLIC_URL?.trim();
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `OPS_PUBLIC_URL=${raw} is not a URL: set the ops server's address, like https://ops.example.com`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ChatopsError(ErrorCode.ConfigInvalid, `OPS_PUBLIC_URL=${raw}: use an http(s) address`);
  if (url.username !== '' || url.password !== '')
    throw new ChatopsError(ErrorCode.ConfigInvalid, 'OPS_PUBLIC_URL must not carry credentials (the link is posted in Slack)');
  return raw.replace(/\/+$/, '');
}
