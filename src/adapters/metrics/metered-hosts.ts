import { ChatopsError } from '../../core/errors';
import { CONNECT_FAILURES } from '../ssh/ssh-errors';
import type { HostPort } from '../../ports/host-port';
import type { MetricsPort } from '../../ports/metrics-port';

/** The SSH host port, counting operations refused for want of a connection (by reason); callers still see the error. */
export function meteredHosts(inner: HostPort, metrics: MetricsPort): HostPort {
  const count = (err: unknown): never => {
    if (err instanceof ChatopsError && CONNECT_FAILURES.has(err.code)) metrics.sshConnectFailed(err.code);
    throw err;
  };
  return {
    exec: (target, command) => inner.exec(target, command).catch(count),
    httpGet: (target, hostPort, path, timeoutMs) => inner.httpGet(target, hostPort, path, timeoutMs).catch(count),
    close: () => inner.close(),
  };
}
