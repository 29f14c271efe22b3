/**
 * What a real simulator host answered, recorded once through {@link RecordingProxy} and replayed per stand-in host.
 * Keys are exact: the command line the worker sent (with the host's name put back to the recorded host's), and for
 * an API read over a direct-tcpip channel the destination port and the HTTP request line.
 */

/** One exec: what sshd + the login shell + the simulator host gave back. */
export interface RecordedExec {
  stdout: string;
  stderr: string;
  /** Exit code; null when the command ended on a signal (then `signal`). */
  code: number | null;
  signal?: string;
}

/** One direct-tcpip channel (an API GET): the raw answer, or refused (nothing listens: SRS is down). */
export type RecordedTcp = { refused: false; response: string } | { refused: true };

/** The answers of one host state (`up`: SRS running; `down`: SRS stopped). */
export interface Scenario {
  execs: Record<string, RecordedExec>;
  tcp: Record<string, RecordedTcp>;
}

export type ScenarioName = 'up' | 'down';

export interface Recording {
  /** Name of the recorded host: every occurrence in command lines and exec outputs stands for the host's own name. */
  hostName: string;
  scenarios: Record<ScenarioName, Scenario>;
}

export function emptyScenario(): Scenario {
  return { execs: {}, tcp: {} };
}

/** The key of a direct-tcpip channel: destination port and the request's first line. */
export function tcpKey(destPort: number, request: string): string {
  const line = request.split('\r\n', 1)[0] ?? '';
  return `${destPort} ${line}`;
}

/** Replaces every occurrence of `from` by `to` (plain text, not a pattern). */
export function swapName(text: string, from: string, to: string): string {
  return from === to ? text : text.split(from).join(to);
}

/** Counts of a recording, for the report. */
export function describeRecording(rec: Recording): string {
  return (Object.entries(rec.scenarios) as Array<[ScenarioName, Scenario]>)
    .map(([name, s]) => {
      const tcp = Object.entries(s.tcp).map(([k, v]) => `${k}${v.refused ? ' (refused)' : ''}`);
      const codes = Object.values(s.execs).map((e) => e.code);
      return `${name}: ${Object.keys(s.execs).length} exec(s) (exit ${codes.join(', ')}), ${tcp.length} API read(s) [${tcp.join('; ')}]`;
    })
    .join('; ');
}
