import type { NodeSSH } from 'node-ssh';
import type { HostTarget } from '../../ports/host-port';
import type { Logger } from '../logger';
import { ChannelLimiter } from './channel-limiter';

/** One pooled connection: its channel cap, its idle timer, and whether it is gone. */
export interface Pooled {
  ssh: NodeSSH;
  limiter: ChannelLimiter;
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
}

/** Settings of a {@link ConnectionPool}. */
export interface ConnectionPoolOptions {
  /** Opens a new connection (the handshake, admitted and host-key checked); rejects when the host cannot be reached. */
  connect: (target: HostTarget) => Promise<NodeSSH>;
  /** Channels open at once on one connection; more wait their turn. */
  maxChannelsPerHost: number;
  /** A connection with no channel open this long is closed. */
  idleTimeoutMs: number;
  logger: Logger;
}

/**
 * One SSH connection per `user@address:port`, shared by every caller: a connect in progress is joined (its failure
 * included), a connection that died is replaced, and one left idle is closed.
 */
export class ConnectionPool {
  private readonly pool = new Map<string, Promise<Pooled>>();

  constructor(private readonly options: ConnectionPoolOptions) {}

  /**
   * Runs `use` with a channel slot of the host's connection (connecting first when needed), and gives the slot back
   * when it settles; the idle timer starts again when the last slot is given back.
   */
  async withChannel<T>(target: HostTarget, use: (pooled: Pooled) => Promise<T>): Promise<T> {
    const pooled = await this.connection(target);
    const release = await pooled.limiter.acquire();
    try {
      return await use(pooled);
    } finally {
      release();
      this.touch(target, pooled);
    }
  }

  /** Closes every connection (a connect in progress is awaited, and closed when it came up). */
  async close(): Promise<void> {
    const all = [...this.pool.values()];
    this.pool.clear();
    for (const p of all) {
      try {
        const pooled = await p;
        clearTimeout(pooled.idleTimer);
        pooled.dead = true;
        pooled.ssh.dispose();
      } catch {
        // a connection that never came up has nothing to close
      }
    }
  }

  private async connection(target: HostTarget): Promise<Pooled> {
    const key = poolKey(target);
    const existing = this.pool.get(key);
    if (existing) {
      // A connect in progress is joined, its failure included: callers that arrive together (a probe and its API
      // reads) make one attempt, not one each after another. Only a connection that was up and died is replaced.
      const pooled = await existing;
      if (!pooled.dead) {
        clearTimeout(pooled.idleTimer);
        return pooled;
      }
      if (this.pool.get(key) === existing) this.pool.delete(key);
    }
    const created = this.connect(target);
    this.pool.set(key, created);
    created.catch(() => {
      if (this.pool.get(key) === created) this.pool.delete(key);
    });
    return created;
  }

  /** A new connection, marked dead (and its idle timer stopped) when it closes or fails. */
  private async connect(target: HostTarget): Promise<Pooled> {
    const ssh = await this.options.connect(target);
    const pooled: Pooled = { ssh, limiter: new ChannelLimiter(this.options.maxChannelsPerHost), dead: false };
    const onGone = () => {
      pooled.dead = true;
      clearTimeout(pooled.idleTimer);
    };
    ssh.connection?.on('close', onGone);
    ssh.connection?.on('error', (err: Error) => {
      this.options.logger.warn({ host: target.name, err: err.message }, 'ssh connection error');
      onGone();
    });
    return pooled;
  }

  /** Starts the idle timer of a connection no channel uses. */
  private touch(target: HostTarget, pooled: Pooled): void {
    clearTimeout(pooled.idleTimer);
    if (pooled.dead || pooled.limiter.inUse > 0) return;
    pooled.idleTimer = setTimeout(() => {
      if (pooled.limiter.inUse > 0) return;
      pooled.dead = true;
      this.pool.delete(poolKey(target));
      pooled.ssh.dispose();
    }, this.options.idleTimeoutMs);
    pooled.idleTimer.unref();
  }
}

/** The pool's key of a target: one connection per user, address and port. */
function poolKey(t: HostTarget): string {
  return `${t.user}@${t.address}:${t.port}`;
}
