import type { NodeSSH } from 'node-ssh';
import type { HopTarget, HostTarget } from '../../ports/host-port';
import type { Logger } from '../logger';
import { chainError } from './chain-errors';
import { ChannelLimiter } from './channel-limiter';
import type { Connected } from './handshake';
import { chainKey, hopsOf } from './hop-chain';
import type { AuthUsed } from './identity';

/** One pooled connection (to a target or a bastion): its channel cap, its idle timer, and whether it is gone. */
export interface Pooled {
  /** The chain that reaches it ({@link chainKey}). */
  key: string;
  hop: HopTarget;
  ssh: NodeSSH;
  hostKey?: string;
  auth?: AuthUsed;
  limiter: ChannelLimiter;
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
  /** The bastion connection this one is tunnelled through. */
  parent?: Pooled;
  /** Connections tunnelled through this one (a bastion is kept open while it carries any). */
  children: Set<Pooled>;
}

/** Settings of a {@link ConnectionPool}. */
export interface ConnectionPoolOptions {
  /**
   * Opens a new connection to `hop` (the handshake, admitted and host-key checked), directly or, with `via`, through
   * that bastion connection; rejects when the hop cannot be reached.
   */
  connect: (hop: HopTarget, via: Pooled | undefined) => Promise<Connected>;
  /** Channels open at once on one connection; more wait their turn. */
  maxChannelsPerHost: number;
  /** A connection with no channel open (and, for a bastion, no connection through it) this long is closed. */
  idleTimeoutMs: number;
  logger: Logger;
}

/** A hop of a chain failed; the pool turns it into the target's error ({@link chainError}). */
class HopFailed extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super(`hop ${index} failed`);
  }
}

/**
 * One SSH connection per chain of hops (`user@address:port`, or `bastion>…>target`), shared by every caller: a bastion
 * is ONE connection whatever number of targets are behind it. A connect in progress is joined (its failure included),
 * a connection that died is replaced (with every connection through it), and one left idle is closed.
 */
export class ConnectionPool {
  private readonly pool = new Map<string, Promise<Pooled>>();

  constructor(private readonly options: ConnectionPoolOptions) {}

  /**
   * Runs `use` with a channel slot of the target's connection (connecting first, through its bastions, when needed),
   * and gives the slot back when it settles; the idle timer starts again when the last slot is given back.
   */
  async withChannel<T>(target: HostTarget, use: (pooled: Pooled) => Promise<T>): Promise<T> {
    const hops = hopsOf(target);
    let pooled: Pooled;
    try {
      pooled = await this.connection(hops, hops.length - 1);
    } catch (err) {
      throw err instanceof HopFailed ? chainError(hops, err.index, err.cause) : err;
    }
    const release = await pooled.limiter.acquire();
    try {
      return await use(pooled);
    } finally {
      release();
      this.touch(pooled);
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

  /** The connection to `hops[index]`, pooled under its chain key. */
  private async connection(hops: readonly HopTarget[], index: number): Promise<Pooled> {
    const key = chainKey(hops, index);
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
    const created = this.connect(hops, index, key);
    this.pool.set(key, created);
    created.catch(() => {
      if (this.pool.get(key) === created) this.pool.delete(key);
    });
    return created;
  }

  /** A new connection (through its parent bastion's), marked dead (and its idle timer stopped) when it closes or fails. */
  private async connect(hops: readonly HopTarget[], index: number, key: string): Promise<Pooled> {
    const hop = hops[index];
    if (hop === undefined) throw new Error(`no hop ${index}`);
    const parent = index > 0 ? await this.connection(hops, index - 1) : undefined;
    let connected: Connected;
    try {
      connected = await this.options.connect(hop, parent);
    } catch (err) {
      if (parent) this.touch(parent);
      throw new HopFailed(index, err);
    }
    const pooled: Pooled = {
      key,
      hop,
      ...connected,
      limiter: new ChannelLimiter(this.options.maxChannelsPerHost),
      dead: false,
      ...(parent && { parent }),
      children: new Set(),
    };
    parent?.children.add(pooled);
    connected.ssh.connection?.on('close', () => this.gone(pooled));
    connected.ssh.connection?.on('error', (err: Error) => {
      this.options.logger.warn({ host: hop.name, err: err.message }, 'ssh connection error');
      this.gone(pooled);
    });
    return pooled;
  }

  /** A connection that closed: it and every connection through it are dead (the next use connects again). */
  private gone(pooled: Pooled): void {
    if (pooled.dead && !pooled.parent?.children.has(pooled)) return;
    pooled.dead = true;
    clearTimeout(pooled.idleTimer);
    for (const child of [...pooled.children]) {
      this.gone(child);
      child.ssh.dispose();
    }
    if (pooled.parent) {
      pooled.parent.children.delete(pooled);
      this.touch(pooled.parent);
    }
  }

  /** Starts the idle timer of a connection no channel and no tunnelled connection uses. */
  private touch(pooled: Pooled): void {
    clearTimeout(pooled.idleTimer);
    if (pooled.dead || pooled.limiter.inUse > 0 || pooled.children.size > 0) return;
    pooled.idleTimer = setTimeout(() => {
      if (pooled.limiter.inUse > 0 || pooled.children.size > 0) return;
      if (this.pool.get(pooled.key) !== undefined) this.pool.delete(pooled.key);
      this.gone(pooled);
      pooled.ssh.dispose();
    }, this.options.idleTimeoutMs);
    pooled.idleTimer.unref();
  }
}
