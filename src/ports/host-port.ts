/**
 * A remote command, as an argv. Every element is a constant of the bot or a validated config value, never user
 * text; the adapter quotes each element for the remote shell.
 */
export interface RemoteCommand {
  argv: readonly string[];
  /** Upper bound for this command; enforced on the host (coreutils `timeout`) and by the client. */
  timeoutMs: number;
}

/** What a remote command did. `code` is null when the outcome is unknown (connection lost, timeout). */
export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** The connection dropped before the command finished: it may still have run. */
  connectionLost: boolean;
}

/** An HTTP answer read from a host-local address (the SRS API), through the SSH connection. */
export interface HostHttpResponse {
  status: number;
  body: string;
}

/** One SSH hop: a bastion, or the host itself. */
export interface HopTarget {
  name: string;
  address: string;
  port: number;
  user: string;
}

/** The address of one host, as the host port needs it: the host, and the bastions on the way (outermost first). */
export interface HostTarget extends HopTarget {
  jump?: readonly HopTarget[];
}

/** Running commands on hosts (SSH). Every method rejects with a ChatopsError when the host cannot be reached. */
export interface HostPort {
  /** Runs one command on the host. Resolves on any exit code; rejects only on connect/auth/host-key failure. */
  exec(target: HostTarget, command: RemoteCommand): Promise<ExecResult>;
  /** GET a path from `host:port` as seen from the host (e.g. the SRS API on 127.0.0.1:1985). */
  httpGet(target: HostTarget, hostPort: string, path: string, timeoutMs: number): Promise<HostHttpResponse>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}
