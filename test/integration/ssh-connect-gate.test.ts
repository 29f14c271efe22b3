import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/adapters/logger';
import { ChatopsError } from '../../src/core/errors';
import type { HostTarget } from '../../src/ports/host-port';
import { SshHost } from '../../src/adapters/ssh/ssh-host';
import { waitUntil } from '../support/wait-until';

/** A hung host: TCP accepts, SSH never answers. Counts connections, and those still open. */
class HungHost {
  readonly server = net.createServer((socket) => this.accept(socket));
  accepted = 0;
  open = 0;
  /** Client-side failures seen by the test when the k-th connection arrived. */
  readonly failedAtAccept: number[] = [];
  failed = 0;

  private accept(socket: net.Socket): void {
    this.accepted += 1;
    this.open += 1;
    this.failedAtAccept.push(this.failed);
    socket.on('error', () => undefined);
    socket.resume(); // reads (and drops) the client's banner, so that the client's close is seen
    socket.on('close', () => (this.open -= 1));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('SSH connects: a cap on concurrent handshakes, one attempt per host, nothing left open on failure', () => {
  let dir: string;
  let keyPath: string;
  let knownHostsPath: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-gate-'));
    keyPath = path.join(dir, 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
    knownHostsPath = path.join(dir, 'known_hosts');
    fs.writeFileSync(knownHostsPath, '');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sshHost = (maxConcurrentConnects: number): SshHost =>
    new SshHost({
      privateKeyPath: keyPath,
      knownHostsPath,
      connectTimeoutMs: 300,
      keepaliveIntervalMs: 0,
      idleTimeoutMs: 1000,
      maxChannelsPerHost: 2,
      maxConcurrentConnects,
      logger: createLogger('test'),
    });
  const target = (port: number, user: string): HostTarget => ({ name: `hung-${user}`, address: '127.0.0.1', port, user });

  it('admits at most maxConcurrentConnects handshakes at a time; each waiting one still gets its own connect timeout', async () => {
    const hung = new HungHost();
    const port = await hung.listen();
    const ssh = sshHost(2);
    try {
      // Five different pool keys (user@address:port) on the same hung listener.
      const attempts = ['u1', 'u2', 'u3', 'u4', 'u5'].map((u) =>
        ssh.exec(target(port, u), { argv: ['true'], timeoutMs: 1000 }).then(
          () => undefined,
          (err: unknown) => {
            hung.failed += 1;
            return err;
          },
        ),
      );
      const errors = await Promise.all(attempts);
      expect(errors.map((e) => (e instanceof ChatopsError ? e.code : String(e)))).toEqual(Array(5).fill('ssh_connect_timeout'));
      expect(hung.accepted).toBe(5);
      // The k-th connection (k = 1..5) only arrives once k - 2 earlier handshakes have given up.
      expect(hung.failedAtAccept).toHaveLength(5);
      hung.failedAtAccept.forEach((failedBefore, k) => expect(failedBefore).toBeGreaterThanOrEqual(Math.max(0, k + 1 - 2)));
      expect(ssh.handshakesInProgress).toBe(0);
    } finally {
      await ssh.close();
      await hung.close();
    }
  });

  it('callers arriving together share one connect attempt and its failure; the failed socket is closed', async () => {
    const hung = new HungHost();
    const port = await hung.listen();
    const ssh = sshHost(32);
    try {
      const t = target(port, 'u1');
      const settled = await Promise.allSettled([
        ssh.exec(t, { argv: ['true'], timeoutMs: 1000 }),
        ssh.httpGet(t, '127.0.0.1:1985', '/api/v1/summaries', 1000),
      ]);
      const reasons = settled.map((s) => (s.status === 'rejected' ? (s.reason as unknown) : undefined));
      expect(reasons[0]).toBeInstanceOf(ChatopsError);
      expect((reasons[0] as ChatopsError).code).toBe('ssh_connect_timeout');
      expect(reasons[1]).toBe(reasons[0]);
      expect(hung.accepted).toBe(1);
      // The client closed its side: nothing stays connected to a host that did not answer.
      await waitUntil(() => hung.open === 0, {
        timeoutMs: 5000,
        intervalMs: 20,
        description: 'the timed-out connection to be closed by the client',
      });
      // A later call tries again (a failure is not cached).
      await expect(ssh.exec(t, { argv: ['true'], timeoutMs: 1000 })).rejects.toMatchObject({ code: 'ssh_connect_timeout' });
      expect(hung.accepted).toBe(2);
    } finally {
      await ssh.close();
      await hung.close();
    }
  });
});
