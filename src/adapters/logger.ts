import pino, { type Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, wherever they appear. */
const REDACT = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'privateKey',
  'password',
  'authorization',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.privateKey',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
];

/** Structured JSON logger (pino) with secrets redacted. `LOG_LEVEL` sets the level (default info; `silent` in tests). */
export function createLogger(name: string, env: NodeJS.ProcessEnv = process.env, destination?: pino.DestinationStream): Logger {
  const level = env.LOG_LEVEL ?? (env.JEST_WORKER_ID !== undefined ? 'silent' : 'info');
  const options = { name, level, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
