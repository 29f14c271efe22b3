/** Stable string codes for every error the bot reports. They survive process boundaries (job results, logs). */
export enum ErrorCode {
  ConfigInvalid = 'config_invalid',
  UsageError = 'usage_error',
  UnknownHost = 'unknown_host',
  Forbidden = 'forbidden',
  HostKeyMismatch = 'host_key_mismatch',
  HostKeyUnknown = 'host_key_unknown',
  SshConnectTimeout = 'ssh_connect_timeout',
  SshAuthFailed = 'ssh_auth_failed',
  SshConnectFailed = 'ssh_connect_failed',
  CommandTimeout = 'command_timeout',
  ConnectionLost = 'connection_lost',
  QueueUnavailable = 'queue_unavailable',
  AuditUnavailable = 'audit_unavailable',
  Internal = 'internal',
}

/** Base error: a code, whether retrying can help, and a message safe to show in Slack (no stderr, no stack). */
export class ChatopsError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly userMessage: string;

  constructor(code: ErrorCode, userMessage: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChatopsError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.userMessage = userMessage;
  }
}

/** Wraps anything thrown into a {@link ChatopsError}; unknown errors become `internal` with a generic message. */
export function asChatopsError(err: unknown): ChatopsError {
  if (err instanceof ChatopsError) return err;
  return new ChatopsError(ErrorCode.Internal, 'internal error (see the bot log)', { cause: err });
}
