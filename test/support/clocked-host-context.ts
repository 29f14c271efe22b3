import { createLogger } from '../../src/adapters/logger';
import type { Config } from '../../config/schema';
import type { HostPort } from '../../src/ports/host-port';
import type { GraceJob } from '../../src/ports/grace-job-port';
import type { HostContext } from '../../src/worker/srs/host-context';

/** A scripted host with its own clock (`t`, epoch ms), advanced by the context's sleeps. */
export type ClockedHost = HostPort & { t: number };

/**
 * The worker's context for the first host of `config`, over a scripted host on a simulated clock: `sleep` advances
 * the host's clock at once, so a drain of an hour runs in milliseconds. `grace`: the graceful-quit job, if any.
 */
export function clockedHostContext(config: Config, host: ClockedHost, grace?: GraceJob): HostContext {
  const h = config.hosts[0];
  if (!h) throw new Error('the config has no host');
  return {
    hostConfig: h,
    target: { name: h.name, address: '127.0.0.1', port: 22, user: 'u' },
    ssh: host,
    settings: config.worker,
    commandTimeoutMs: 1000,
    logger: createLogger('test'),
    sleep: (ms) => {
      host.t += ms;
      return Promise.resolve();
    },
    now: () => host.t,
    ...(grace !== undefined && { grace }),
  };
}
