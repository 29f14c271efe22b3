import { ChatopsError, ErrorCode } from '../../core/errors';
import type { HostKeyVerdict } from './known-hosts';

/** Every code {@link connectError} gives: the host could not be connected to (not a command that ran and failed). */
export const CONNECT_FAILURES: ReadonlySet<string> = new Set([
  ErrorCode.SshConnectFailed,
  ErrorCode.SshConnectTimeout,
  ErrorCode.SshAuthFailed,
  ErrorCode.HostKeyMismatch,
  ErrorCode.HostKeyUnknown,
]);

/** Turns a failed ssh2 connect into an error whose message tells the operator what to do. */
export function connectError(host: string, err: unknown, verdict: HostKeyVerdict | undefined, presented: string | undefined): ChatopsError {
  const level = typeof err === 'object' && err !== null && 'level' in err ? String(err.level) : '';
  const message = err instanceof Error ? err.message : String(err);
  const refused = hostKeyRefusal(host, verdict, presented);
  if (refused) return new ChatopsError(refused.code, refused.message, { cause: err });
  if (level === 'client-timeout' || /timed out/i.test(message)) {
    return new ChatopsError(ErrorCode.SshConnectTimeout, `${host} did not answer SSH in time (connect timeout); is the host up?`, {
      cause: err,
      retryable: true,
    });
  }
  if (/too many authentication failures/i.test(message)) {
    return new ChatopsError(
      ErrorCode.SshAuthFailed,
      `SSH login to ${host} was refused (too many authentication failures: the server's MaxAuthTries ran out before an accepted key was offered); list the key the host accepts first, or load fewer keys in the agent.`,
      { cause: err },
    );
  }
  if (level === 'client-authentication') {
    return new ChatopsError(
      ErrorCode.SshAuthFailed,
      `SSH login to ${host} was refused (authentication failed); check the bot's key is in the user's authorized_keys.`,
      { cause: err },
    );
  }
  return new ChatopsError(ErrorCode.SshConnectFailed, `cannot reach ${host} over SSH (${message.slice(0, 120)}).`, {
    cause: err,
    retryable: true,
  });
}

/** Why known_hosts refused the key `host` presented, in words an operator can act on; undefined when it did not. */
function hostKeyRefusal(
  host: string,
  verdict: HostKeyVerdict | undefined,
  presented: string | undefined,
): { code: ErrorCode; message: string } | undefined {
  const key = presented ?? '?';
  switch (verdict?.kind) {
    case 'mismatch':
      return {
        code: ErrorCode.HostKeyMismatch,
        message:
          `REFUSED: the host key of ${host} has CHANGED (now ${key}; known_hosts ${verdict.lines.length === 1 ? 'line' : 'lines'} ${verdict.lines.join(', ')} pin${verdict.lines.length === 1 ? 's' : ''} another key); nothing was run. ` +
          'If the host was reinstalled, verify the new key out of band and update known_hosts; otherwise treat this as an attack.',
      };
    case 'revoked':
      return {
        code: ErrorCode.HostKeyMismatch,
        message: `REFUSED: the host key of ${host} (${key}) is REVOKED by known_hosts line ${verdict.line} (@revoked); nothing was run. Give the host a new key, verify it out of band and pin it; never remove the @revoked line to get in.`,
      };
    case 'cert-authority':
      return {
        code: ErrorCode.HostKeyUnknown,
        message: `REFUSED: known_hosts line ${verdict.line} trusts a certificate authority (@cert-authority) for ${host}, and this bot cannot verify OpenSSH host certificates; its own key ${key} is pinned by no plain line, so nothing was run. Add a plain line with the host's own key after verifying it out of band.`,
      };
    case 'unreadable':
      return {
        code: ErrorCode.HostKeyUnknown,
        message: `REFUSED: known_hosts line ${verdict.line} may name ${host} but cannot be read (${verdict.reason}); nothing was run. Correct or delete that line: \`srs-chatops doctor\` lists every such line.`,
      };
    case 'unknown':
      return {
        code: ErrorCode.HostKeyUnknown,
        message: `REFUSED: ${host} is not in known_hosts (key ${key}); nothing was run. Pin it with \`srs-chatops doctor --trust-new\` after checking the fingerprint.`,
      };
    default:
      return undefined;
  }
}
