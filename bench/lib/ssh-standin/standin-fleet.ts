/**
 * A lightweight SSH fleet for benches too large for one real sshd per host: one Node process (this one) running an
 * ssh2 `Server` per host on its own loopback port. One host key for every host, pinned in a known_hosts file for every
 * `[127.0.0.1]:port`; public-key auth with the bench's client key only (signature verified), or refused for hosts
 * that play an unreachable host. What a host answers comes from its {@link HostBackend}: a recording replayed, or a
 * proxy to a real host that records.
 */
import { execFileSync } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Server, utils, type Connection, type ParsedKey, type ServerChannel, type TcpipRequestInfo } from 'ssh2';
import { renderKnownHosts } from '../../../test/support/fleet/known-hosts';

/** What one host does with an exec and a direct-tcpip channel once the client is authenticated. */
export interface HostBackend {
  exec(command: string, channel: ServerChannel): void;
  tcpip(info: TcpipRequestInfo, accept: () => ServerChannel, reject: () => void): void;
}

export interface StandinHost {
  name: string;
  /** Refuse every authentication attempt (plays a host whose authorized_keys lacks the key). */
  refuseAuth: boolean;
  backend: HostBackend;
}

export interface StandinFleetOptions {
  dir: string;
  /** The client's public key file (`ssh-ed25519 AAAA...`): the only key accepted. */
  clientPublicKeyPath: string;
  hosts: readonly StandinHost[];
  /** An existing host key (OpenSSH private key file) shared with other fleets; by default one is made in `dir`. */
  hostKeyPath?: string;
}

/** Counters of the whole fleet since start. */
export interface StandinStats {
  connections: number;
  authRefused: number;
  execs: number;
  tcpChannels: number;
}

function parseOne(text: string | Buffer, what: string): ParsedKey {
  const k = utils.parseKey(text);
  if (k instanceof Error) throw new Error(`${what}: ${k.message}`);
  return k;
}

export class StandinFleet {
  readonly stats: StandinStats = { connections: 0, authRefused: 0, execs: 0, tcpChannels: 0 };
  readonly ports = new Map<string, number>();
  readonly knownHostsPath: string;
  private readonly servers: Server[] = [];
  private readonly clients = new Set<Connection>();

  private constructor(private readonly opts: StandinFleetOptions) {
    this.knownHostsPath = path.join(opts.dir, 'known_hosts');
  }

  /** Generates the host key, listens on one free loopback port per host, writes known_hosts. */
  static async start(opts: StandinFleetOptions): Promise<StandinFleet> {
    fs.mkdirSync(opts.dir, { recursive: true });
    const fleet = new StandinFleet(opts);
    const keyPath = opts.hostKeyPath ?? path.join(opts.dir, 'host_ed25519');
    if (!fs.existsSync(keyPath)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'standin-host', '-f', keyPath]);
    const hostKey = fs.readFileSync(keyPath);
    const clientKey = parseOne(fs.readFileSync(opts.clientPublicKeyPath), opts.clientPublicKeyPath);
    try {
      for (const host of opts.hosts) fleet.ports.set(host.name, await fleet.listen(host, hostKey, clientKey));
    } catch (err) {
      await fleet.stop();
      throw err;
    }
    const pub = fs.readFileSync(`${keyPath}.pub`, 'utf8');
    const entries = opts.hosts.map((h) => ({ address: '127.0.0.1', port: fleet.port(h.name), publicKey: pub }));
    fs.writeFileSync(fleet.knownHostsPath, renderKnownHosts(entries));
    return fleet;
  }

  port(name: string): number {
    const p = this.ports.get(name);
    if (p === undefined) throw new Error(`no stand-in host ${name}`);
    return p;
  }

  /** Closes the listeners and ends every open connection (a client's pool would otherwise hold `close` open). */
  async stop(): Promise<void> {
    for (const c of this.clients) c.end();
    this.clients.clear();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }

  private listen(host: StandinHost, hostKey: Buffer, clientKey: ParsedKey): Promise<number> {
    const server = new Server({ hostKeys: [hostKey] }, (client) => this.serve(host, client, clientKey));
    this.servers.push(server);
    return new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        if (addr === null || typeof addr === 'string') reject(new Error('no port'));
        else resolve(addr.port);
      });
    });
  }

  private serve(host: StandinHost, client: Connection, clientKey: ParsedKey): void {
    this.stats.connections += 1;
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (host.refuseAuth || ctx.method !== 'publickey') {
        if (host.refuseAuth && ctx.method === 'publickey') this.stats.authRefused += 1;
        ctx.reject(['publickey']);
        return;
      }
      const sameKey =
        ctx.key.algo === clientKey.type &&
        ctx.key.data.length === clientKey.getPublicSSH().length &&
        timingSafeEqual(ctx.key.data, clientKey.getPublicSSH());
      if (!sameKey) return ctx.reject(['publickey']);
      // Without a signature the client only asks whether the key would do; with one, it must verify.
      if (ctx.signature === undefined) return ctx.accept();
      if (ctx.blob !== undefined && clientKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
      return ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('env', (accept) => accept?.());
        session.on('pty', (_a, reject) => reject?.());
        session.on('shell', (_a, reject) => reject?.());
        session.on('exec', (accept, _reject, info) => {
          this.stats.execs += 1;
          host.backend.exec(info.command, accept());
        });
      });
      client.on('tcpip', (accept, reject, info) => {
        this.stats.tcpChannels += 1;
        host.backend.tcpip(info, accept, reject);
      });
    });
  }
}
