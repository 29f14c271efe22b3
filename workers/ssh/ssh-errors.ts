import { ChatopsError, ErrorCode } from '../../src/core/errors';
import type { HostKeyVerdict } from './known-hosts';

/** Every code {@link connectError} gives: the host could not be connected to (not a command that ran and failed). */
export const CONNECT_FAILURES: ReadonlySet<string> = new Set([ErrorCode.SshConnectFailed, ErrorCode.SshConnectTimeout, ErrorCode.SshAuthFailed, ErrorCode.HostKeyMismatch, ErrorCode.HostKeyUnknown]);

/** Turns a failed ssh2 connect into an error whose message tells the operator what to do. */
export function connectError(host: string, err: unknown, verdict: HostKeyVerdict | undefined, presented: string | undefined): ChatopsError {
  const level = typeof err === 'object' && err !== null && 'level' in err ? String((err).level) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (verdict === 'mismatch' || verdict === 'revoked') {
    return new ChatopsError(
      ErrorCode.HostKeyMismatch,
      `REFUSED: the host key of ${host} has CHANGED (now ${presented ?? '?'}); nothing was run. ` +
        'If the host was reinstalled, verify the new key out of band and update known_hosts; otherwise treat this as an attack.',
      { cause: err },
    );
  }
  if (verdict === 'unknown') {
    return new ChatopsError(
      ErrorCode.HostKeyUnknown,
      `REFUSED: ${host} is not in known_hosts (key ${presented ?? '?'}); nothing was run. Pin it with \`srs-chatops doctor --trust-new\` after checking the fingerprint.`,
      { cause: err },
    );
  }
  if (level === 'client-timeout' || /timed out/i.test(message)) {
    return new ChatopsError(ErrorCode.SshConnectTimeout, `${host} did not answer SSH in time (connect timeout); is the host up?`, { cause: err, retryable: true });
  }
  if (level === 'client-authentication') {
    return new ChatopsError(ErrorCode.SshAuthFailed, `SSH login to ${host} was refused (authentication failed); check the bot's key is in the user's authorized_keys.`, { cause: err });
  }
  return new ChatopsError(ErrorCode.SshConnectFailed, `cannot reach ${host} over SSH (${message.slice(0, 120)}).`, { cause: err, retryable: true });
}
