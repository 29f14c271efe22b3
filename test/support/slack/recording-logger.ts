import { LogLevel, type Logger } from '@slack/bolt';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  text: string;
}

/** A Bolt/WebClient logger that prints nothing and keeps every line (assert on warnings, keep test output clean). */
export interface RecordingLogger extends Logger {
  readonly lines: LogLine[];
  /** Lines at `level`, joined, for `toContain` asserts. */
  text(level?: LogLine['level']): string;
}

function stringify(parts: unknown[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
}

export function createRecordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  let level: LogLevel = LogLevel.DEBUG;
  const push =
    (lineLevel: LogLine['level']) =>
    (...msg: unknown[]): void => {
      lines.push({ level: lineLevel, text: stringify(msg) });
    };
  return {
    lines,
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
    text: (only) =>
      lines
        .filter((l) => only === undefined || l.level === only)
        .map((l) => l.text)
        .join('\n'),
  };
}
