import { statSync } from 'node:fs';
import type { SshConfig } from '../../../config/schema';
import { ChatopsError, ErrorCode } from '../../core/errors';
import type { Logger } from '../logger';
import type { Identity } from './identity';
import { loadKeyIdentity } from './key-identity';
import { readPassphrase } from './passphrase';

/** The part of the `ssh` config section that says how the bot authenticates. */
export type AuthSettings = Pick<SshConfig, 'privateKeyPath' | 'privateKeys' | 'agent'>;

/**
 * The identities every connection tries, in order: `privateKeyPath`, then `privateKeys` (each decrypted with its
 * passphrase now, so a wrong one stops the start, not a job), then the agent. Throws a ConfigInvalid ChatopsError
 * naming the file, variable or socket at fault (never a passphrase) when one is unusable, or when there is none.
 */
export function buildIdentities(settings: AuthSettings, env: NodeJS.ProcessEnv, logger?: Logger): Identity[] {
  const identities: Identity[] = [];
  if (settings.privateKeyPath !== undefined) identities.push(loadKeyIdentity(settings.privateKeyPath, undefined));
  for (const k of settings.privateKeys) identities.push(loadKeyIdentity(k.path, readPassphrase(k.path, k, env)));
  const socket = agentSocket(settings.agent, env, identities.length > 0, logger);
  if (socket !== undefined) identities.push({ kind: 'agent', socket });
  if (identities.length === 0) {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `no SSH identity: set ssh.privateKeyPath or ssh.privateKeys, or run the bot with an ssh-agent (SSH_AUTH_SOCK, or ssh.agent: <socket path>)${settings.agent === 'off' ? '; ssh.agent is off' : ''}.`,
    );
  }
  return identities;
}

/**
 * The agent socket to use: `off` none; `auto` SSH_AUTH_SOCK when set (a stale one is skipped with a warning when key
 * files exist, refused when the agent is the only identity); a path must be a socket.
 */
function agentSocket(agent: string, env: NodeJS.ProcessEnv, haveKeys: boolean, logger: Logger | undefined): string | undefined {
  if (agent === 'off') return undefined;
  if (agent !== 'auto') {
    const problem = socketProblem(agent);
    if (problem)
      throw new ChatopsError(
        ErrorCode.ConfigInvalid,
        `ssh.agent names ${agent}, which ${problem}; start the agent there or correct ssh.agent.`,
      );
    return agent;
  }
  const sock = env.SSH_AUTH_SOCK;
  if (sock === undefined || sock === '') return undefined;
  const problem = socketProblem(sock);
  if (!problem) return sock;
  if (haveKeys) {
    logger?.warn({ socket: sock, problem }, 'SSH_AUTH_SOCK is set but unusable; the agent is not used');
    return undefined;
  }
  throw new ChatopsError(
    ErrorCode.ConfigInvalid,
    `SSH_AUTH_SOCK names ${sock}, which ${problem}; start ssh-agent (and ssh-add the key) or configure a key file.`,
  );
}

/** Why `path` is no agent socket; undefined when it is a socket. */
function socketProblem(path: string): string | undefined {
  try {
    return statSync(path).isSocket() ? undefined : 'is not a socket';
  } catch {
    return 'does not exist';
  }
}
