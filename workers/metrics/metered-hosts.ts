import { ChatopsError, ErrorCode } from '../../src/core/errors';
import type { HostPort } from '../../src/ports/host-port';
import type { MetricsPort } from '../../src/ports/metrics-port';

/** Errors meaning the host could not be connected to (as opposed to a command that ran and failed). */
const CONNECT_FAILURES: ReadonlySet<string> = new Set([
  ErrorCode.SshConnectFailed,
  ErrorCode.SshConnectTimeout,
  ErrorCode.SshAuthFailed,
  ErrorCode.HostKeyMismatch,
  ErrorCode.HostKeyUnknown,
]);

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
