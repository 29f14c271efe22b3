import { ChatopsError, ErrorCode } from '../../core/errors';
import type { ExecResult, HostHttpResponse, HostPort, HostTarget, RemoteCommand } from '../../ports/host-port';
import type { Logger } from '../logger';
import { ConnectionPool, type Pooled } from './connection-pool';
import { HandshakeGate } from './handshake-gate';
import { fetchHostKey, type OfferedKey } from './fetch-host-key';
import { forwardTo, hopConnector } from './hop-connect';
import { httpGetOverSsh } from './http-over-ssh';
import type { Identity } from './identity';
import { loadKeyIdentity } from './key-identity';
import { KnownHostsCache } from './known-hosts-cache';
import type { HopReport } from './reach-report';
import { CLIENT_TIMER_MARGIN_MS, DEFAULT_OUTPUT_CAP_CHARS, execOverSsh, timedCommandLine } from './remote-exec';

/** Settings of the SSH host adapter (from the `ssh` config section). */
export interface SshHostOptions {
  /**
   * The identities tried on every connection, in order (see {@link buildIdentities}, which builds them from the
   * config). When absent, `privateKeyPath` is the only identity.
   */
  identities?: readonly Identity[];
  /** A single unencrypted private key file (used when `identities` is absent). */
  privateKeyPath?: string;
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
 * Bastions: a target with `jump` is reached through one pooled connection per bastion hop, each next hop over a
 * forwarded channel of the previous one, every hop's host key pinned. It composes the identities ({@link Identity}), the handshake gate ({@link HandshakeGate}), the pinned
 * handshake ({@link hopConnector}), the pool ({@link ConnectionPool}), exec ({@link execOverSsh}) and HTTP over a
 * channel ({@link httpGetOverSsh}).
 */
export class SshHost implements HostPort {
  /** Admits handshakes (see {@link SshHostOptions.maxConcurrentConnects}). */
  private readonly handshakes: HandshakeGate;
  private readonly pool: ConnectionPool;

  constructor(private readonly options: SshHostOptions) {
    const identities =
      options.identities ?? (options.privateKeyPath === undefined ? [] : [loadKeyIdentity(options.privateKeyPath, undefined)]);
    if (identities.length === 0)
      throw new ChatopsError(ErrorCode.ConfigInvalid, 'no SSH identity: set ssh.privateKeyPath, ssh.privateKeys or ssh.agent');
    const knownHosts = new KnownHostsCache(options.knownHostsPath);
    this.handshakes = new HandshakeGate(options.maxConcurrentConnects ?? 32);
    const settings = {
      identities,
      knownHosts,
      connectTimeoutMs: options.connectTimeoutMs,
      keepaliveIntervalMs: options.keepaliveIntervalMs,
      logger: options.logger,
    };
    this.pool = new ConnectionPool({
      connect: hopConnector(settings, this.handshakes),
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

  /**
   * Connects to the target (through its bastions) when not connected yet, and says how it was reached: every hop,
   * outermost first, with the host key known_hosts pinned and the identity that logged in. Rejects like {@link exec}.
   */
  async reach(target: HostTarget): Promise<HopReport[]> {
    return this.pool.withChannel(target, (pooled) => {
      const hops: HopReport[] = [];
      for (let p: Pooled | undefined = pooled; p !== undefined; p = p.parent) {
        hops.unshift({ hop: p.hop, ...(p.hostKey !== undefined && { hostKey: p.hostKey }), ...(p.auth && { auth: p.auth }) });
      }
      return Promise.resolve(hops);
    });
  }

  /**
   * The host key `target` offers, for trust on first use (`doctor --trust-new`): fetched directly, or through its
   * bastions (which must be pinned already: pin the outer hops first) over a forwarded channel. Nothing is
   * authenticated on the target. Rejects with the hop that failed.
   */
  async offeredHostKey(target: HostTarget): Promise<OfferedKey> {
    const jump = target.jump ?? [];
    const last = jump[jump.length - 1];
    const timeoutMs = this.options.connectTimeoutMs;
    if (last === undefined) return fetchHostKey(target.address, target.port, timeoutMs);
    const bastion: HostTarget = { ...last, ...(jump.length > 1 && { jump: jump.slice(0, -1) }) };
    return this.pool.withChannel(bastion, async (via) =>
      fetchHostKey(target.address, target.port, timeoutMs, await forwardTo(via, target, timeoutMs)),
    );
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
