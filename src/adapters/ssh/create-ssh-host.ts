import type { Config } from '../../../config/schema';
import type { Logger } from '../logger';
import { buildIdentities } from './build-identities';
import { SshHost } from './ssh-host';

/**
 * The SSH host adapter configured from the `ssh` section: the identities are built (key files read and decrypted,
 * the agent socket checked) here, so an unusable key, passphrase or agent stops the start with a ConfigInvalid
 * ChatopsError that says what to fix.
 */
export function createSshHost(
  config: Config,
  logger: Logger,
  onCommand?: (host: string, line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): SshHost {
  const s = config.ssh;
  return new SshHost({
    identities: buildIdentities(s, env, logger),
    knownHostsPath: s.knownHostsPath,
    connectTimeoutMs: s.connectTimeoutMs,
    keepaliveIntervalMs: s.keepaliveIntervalMs,
    idleTimeoutMs: s.idleTimeoutMs,
    maxChannelsPerHost: s.maxChannelsPerHost,
    maxConcurrentConnects: s.maxConcurrentConnects,
    logger,
    ...(onCommand ? { onCommand: (t: { name: string }, line: string) => onCommand(t.name, line) } : {}),
  });
}
