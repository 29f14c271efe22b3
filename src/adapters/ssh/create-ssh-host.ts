import { ChatopsError, ErrorCode } from '../../core/errors';
import type { Config } from '../../../config/schema';
import type { Logger } from '../logger';
import { SshHost } from './ssh-host';

/** The SSH host adapter configured from the `ssh` section (the private key is checked and read here). */
export function createSshHost(config: Config, logger: Logger, onCommand?: (host: string, line: string) => void): SshHost {
  const s = config.ssh;
  if (s.privateKeyPath === undefined) throw new ChatopsError(ErrorCode.ConfigInvalid, 'no SSH key: set ssh.privateKeyPath');
  return new SshHost({
    privateKeyPath: s.privateKeyPath,
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
