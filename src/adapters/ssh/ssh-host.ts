import type { ExecResult, HostHttpResponse, HostPort, HostTarget, RemoteCommand } from '../../ports/host-port';
import type { Logger } from '../logger';
import { ConnectionPool } from './connection-pool';
import { HandshakeGate } from './handshake-gate';
import { handshake } from './handshake';
import { httpGetOverSsh } from './http-over-ssh';
import { KnownHostsCache } from './known-hosts-cache';
import { readPrivateKey } from './private-key';
import { CLIENT_TIMER_MARGIN_MS, DEFAULT_OUTPUT_CAP_CHARS, execOverSsh, timedCommandLine } from './remote-exec';

/** Settings of the SSH host adapter (from the `ssh` config section). */
export interface SshHostOptions {
  privateKeyPath: string;
  knownHostsPath: string;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  idleTimeoutMs: number;
  maxChannelsPerHost: number;
  /**
   * SSH handshakes in progress at once in this process; more wait their turn, and the connect timeout starts when a
   * handshake is admitted. A burst of hundreds of handshakes on a few cores would otherwise time out on healthy hosts.
   * @defaultValue 32
   */
  maxConcurrentConnects?: number;
  /** Characters kept of each of stdout and stderr. @defaultValue 262144 */
  outputCapChars?: number;
  logger: Logger;
  /** Called with every command line sent to a host (tests assert that user text never appears). */
  onCommand?: (target: HostTarget, commandLine: string) => void;
}

/**
 * HostPort over SSH (node-ssh/ssh2): host keys verified against known_hosts (unknown or changed keys refused before
 * anything runs), one pooled connection per host with a channel cap, idle close, keepalive, and enforced timeouts.
 * It composes the private key ({@link readPrivateKey}), the handshake gate ({@link HandshakeGate}), the pinned
 * handshake ({@link handshake}), the pool ({@link ConnectionPool}), exec ({@link execOverSsh}) and HTTP over a
 * channel ({@link httpGetOverSsh}).
 */
export class SshHost implements HostPort {
  /** Admits handshakes (see {@link SshHostOptions.maxConcurrentConnects}). */
  private readonly handshakes: HandshakeGate;
  private readonly pool: ConnectionPool;

  constructor(private readonly options: SshHostOptions) {
    const privateKey = readPrivateKey(options.privateKeyPath);
    const knownHosts = new KnownHostsCache(options.knownHostsPath);
    this.handshakes = new HandshakeGate(options.maxConcurrentConnects ?? 32);
    const settings = {
      privateKey,
      knownHosts,
      connectTimeoutMs: options.connectTimeoutMs,
      keepaliveIntervalMs: options.keepaliveIntervalMs,
      logger: options.logger,
    };
    this.pool = new ConnectionPool({
      connect: (target) => this.handshakes.admit(() => handshake(target, settings)),
      maxChannelsPerHost: options.maxChannelsPerHost,
      idleTimeoutMs: options.idleTimeoutMs,
      logger: options.logger,
    });
  }

  /** Handshakes running now (at most `maxConcurrentConnects`). */
  get handshakesInProgress(): number {
    return this.handshakes.inProgress;
  }

  async exec(target: HostTarget, command: RemoteCommand): Promise<ExecResult> {
    return this.pool.withChannel(target, (pooled) => {
      const line = timedCommandLine(command);
      this.options.onCommand?.(target, line);
      const limits = {
        clientTimeoutMs: command.timeoutMs + CLIENT_TIMER_MARGIN_MS,
        outputCapChars: this.options.outputCapChars ?? DEFAULT_OUTPUT_CAP_CHARS,
        started: Date.now(),
      };
      return execOverSsh(pooled.dead ? undefined : (pooled.ssh.connection ?? undefined), line, limits);
    });
  }

  async httpGet(target: HostTarget, hostPort: string, path: string, timeoutMs: number): Promise<HostHttpResponse> {
    return this.pool.withChannel(target, (pooled) => httpGetOverSsh(pooled.ssh, hostPort, path, timeoutMs));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
