import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { Client, ClientChannel } from 'ssh2';
import { NodeSSH } from 'node-ssh';
import { ChatopsError, ErrorCode } from '../../src/core/errors';
import type { ExecResult, HostHttpResponse, HostPort, HostTarget, RemoteCommand } from '../../src/ports/host-port';
import type { Logger } from '../../src/adapters/logger';
import { ChannelLimiter } from './channel-limiter';
import { connectError } from './ssh-errors';
import { fingerprint, parseKnownHosts, verifyHostKey, type HostKeyVerdict } from './known-hosts';
import { shellJoin } from './shell-quote';
import { CappedBuffer } from './capped-buffer';
import { withTimeout } from '../../src/core/with-timeout';

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

interface Pooled {
  ssh: NodeSSH;
  limiter: ChannelLimiter;
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
}

/** Margin between the host-side `timeout` and the client-side timer that closes the channel. */
const CLIENT_TIMER_MARGIN_MS = 3000;

/**
 * HostPort over SSH (node-ssh/ssh2): host keys verified against known_hosts (unknown or changed keys refused before
 * anything runs), one pooled connection per host with a channel cap, idle close, keepalive, and enforced timeouts.
 */
export class SshHost implements HostPort {
  private readonly pool = new Map<string, Promise<Pooled>>();
  private readonly privateKey: string;
  private knownHosts: { mtimeMs: number; entries: ReturnType<typeof parseKnownHosts> } | undefined;
  /** Admits handshakes (see {@link SshHostOptions.maxConcurrentConnects}). */
  private readonly handshakes: ChannelLimiter;

  constructor(private readonly options: SshHostOptions) {
    this.privateKey = readPrivateKey(options.privateKeyPath);
    this.handshakes = new ChannelLimiter(options.maxConcurrentConnects ?? 32);
  }

  /** Handshakes running now (at most `maxConcurrentConnects`). */
  get handshakesInProgress(): number {
    return this.handshakes.inUse;
  }

  async exec(target: HostTarget, command: RemoteCommand): Promise<ExecResult> {
    const pooled = await this.connection(target);
    const release = await pooled.limiter.acquire();
    const seconds = Math.max(1, Math.ceil(command.timeoutMs / 1000));
    const line = `timeout -k 2 ${seconds} ${shellJoin(command.argv)}`;
    this.options.onCommand?.(target, line);
    const started = Date.now();
    try {
      return await this.run(pooled, line, command.timeoutMs + CLIENT_TIMER_MARGIN_MS, started);
    } finally {
      release();
      this.touch(target, pooled);
    }
  }

  async httpGet(target: HostTarget, hostPort: string, path: string, timeoutMs: number): Promise<HostHttpResponse> {
    const [host, portText] = splitHostPort(hostPort);
    const pooled = await this.connection(target);
    const release = await pooled.limiter.acquire();
    try {
      const channel = await withTimeout(pooled.ssh.forwardOut('127.0.0.1', 0, host, Number(portText)), timeoutMs, () => new ChatopsError(ErrorCode.CommandTimeout, `API connect timed out after ${timeoutMs} ms`));
      return await httpOverChannel(channel, host, path, timeoutMs);
    } finally {
      release();
      this.touch(target, pooled);
    }
  }

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

  private key(t: HostTarget): string {
    return `${t.user}@${t.address}:${t.port}`;
  }

  private async connection(target: HostTarget): Promise<Pooled> {
    const key = this.key(target);
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

  private async connect(target: HostTarget): Promise<Pooled> {
    const admitted = await this.handshakes.acquire();
    let ssh: NodeSSH;
    try {
      ssh = await this.handshake(target);
    } finally {
      admitted();
    }
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

  /** One SSH handshake (host key verified against known_hosts); on failure nothing of it stays open. */
  private async handshake(target: HostTarget): Promise<NodeSSH> {
    const entries = this.readKnownHosts();
    let verdict: HostKeyVerdict | undefined;
    let presented: string | undefined;
    const ssh = new NodeSSH();
    let client: Client | undefined;
    try {
      const connecting = ssh.connect({
        host: target.address,
        port: target.port,
        username: target.user,
        privateKey: this.privateKey,
        readyTimeout: this.options.connectTimeoutMs,
        keepaliveInterval: this.options.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        hostVerifier: (hostKey: Buffer) => {
          verdict = verifyHostKey(entries, target.address, target.port, hostKey);
          presented = fingerprint(hostKey);
          return verdict.kind === 'match';
        },
      });
      // node-ssh sets `connection` synchronously, before the handshake; it forgets it again on 'close'.
      client = ssh.connection ?? undefined;
      await connecting;
    } catch (err) {
      // node-ssh's dispose() ends only a client it still holds; destroy ours outright, so that a handshake that
      // completes after the failure (a late answer to a timed-out attempt) cannot leave a connection open.
      ssh.dispose();
      destroyClient(client);
      const error = connectError(target.name, err, verdict?.kind === 'match' ? undefined : verdict, presented);
      this.options.logger.warn({ host: target.name, code: error.code, err: err instanceof Error ? err.message : String(err) }, 'ssh connect failed');
      throw error;
    }
    // Small requests (channel opens, a command line, an HTTP GET) must not wait for a delayed ACK (Nagle).
    ssh.connection?.setNoDelay(true);
    return ssh;
  }

  private touch(target: HostTarget, pooled: Pooled): void {
    clearTimeout(pooled.idleTimer);
    if (pooled.dead || pooled.limiter.inUse > 0) return;
    pooled.idleTimer = setTimeout(() => {
      if (pooled.limiter.inUse > 0) return;
      pooled.dead = true;
      const key = this.key(target);
      this.pool.delete(key);
      pooled.ssh.dispose();
    }, this.options.idleTimeoutMs);
    pooled.idleTimer.unref();
  }

  private readKnownHosts(): ReturnType<typeof parseKnownHosts> {
    const path = this.options.knownHostsPath;
    const mtimeMs = statSync(path).mtimeMs;
    if (!this.knownHosts || this.knownHosts.mtimeMs !== mtimeMs) {
      this.knownHosts = { mtimeMs, entries: parseKnownHosts(readFileSync(path, 'utf8')) };
    }
    return this.knownHosts.entries;
  }

  private run(pooled: Pooled, line: string, clientTimeoutMs: number, started: number): Promise<ExecResult> {
    const cap = this.options.outputCapChars ?? 262144;
    return new Promise<ExecResult>((resolve) => {
      const conn = pooled.ssh.connection;
      if (!conn || pooled.dead) {
        resolve({ code: null, stdout: '', stderr: '', durationMs: 0, timedOut: false, connectionLost: true });
        return;
      }
      const stdout = new CappedBuffer(cap);
      const stderr = new CappedBuffer(cap);
      let timedOut = false;
      let settled = false;
      let channel: ClientChannel | undefined;
      const finish = (code: number | null, lost: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const remoteTimeout = code === 124 || code === 137;
        resolve({
          code: timedOut ? null : code,
          stdout: stdout.text(),
          stderr: stderr.text(),
          durationMs: Date.now() - started,
          timedOut: timedOut || remoteTimeout,
          connectionLost: lost && !timedOut,
        });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        channel?.close();
        finish(null, false);
      }, clientTimeoutMs);
      try {
        conn.exec(line, (err, ch) => {
          if (err) {
            finish(null, true);
            return;
          }
          channel = ch;
          let exitCode: number | null = null;
          let exitSeen = false;
          ch.on('data', (d: Buffer) => stdout.push(d));
          ch.stderr.on('data', (d: Buffer) => stderr.push(d));
          ch.on('exit', (code: number | null) => {
            exitSeen = true;
            exitCode = code;
          });
          ch.on('close', () => finish(exitCode, !exitSeen));
        });
      } catch {
        finish(null, true);
      }
    });
  }
}

/** Reads the private key, refusing one that group or others may read (like OpenSSH does). */
export function readPrivateKey(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new ChatopsError(ErrorCode.ConfigInvalid, `SSH private key ${path} does not exist; set ssh.privateKeyPath.`);
  }
  if ((mode & 0o077) !== 0) {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `SSH private key ${path} is readable by others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${path}`,
    );
  }
  return readFileSync(path, 'utf8');
}

/** Ends a client and its socket, whatever state the handshake is in. */
function destroyClient(client: Client | undefined): void {
  if (!client) return;
  client.on('error', () => undefined); // errors of a client being thrown away are of no interest
  try {
    client.destroy();
  } catch {
    // already gone
  }
}

function splitHostPort(hostPort: string): [string, string] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i), hostPort.slice(i + 1)];
}

function httpOverChannel(channel: NodeJS.ReadWriteStream & { close?: () => void }, host: string, path: string, timeoutMs: number): Promise<HostHttpResponse> {
  return new Promise<HostHttpResponse>((resolve, reject) => {
    const req = http.request(
      {
        // ssh2's Channel is a Duplex; http only needs a stream to write the request to and read the answer from.
        createConnection: () => channel as unknown as import('node:net').Socket,
        host,
        path,
        method: 'GET',
        headers: { Connection: 'close' },
        timeout: timeoutMs,
      },
      (res) => {
        const body = new CappedBuffer(1024 * 1024);
        res.on('data', (d: Buffer) => body.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.text() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => {
      req.destroy(new ChatopsError(ErrorCode.CommandTimeout, `API request ${path} timed out`));
    });
    req.on('error', reject);
    req.end();
  });
}
