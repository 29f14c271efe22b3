/** One level of a {@link Logger}: a structured object first (pino's order), then the message. */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/**
 * The structured logger the use cases write to (pino's shape, so the pino logger the composition roots create is
 * one). Secrets are redacted by the adapter that creates it (src/adapters/logger.ts), never by the caller.
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}
