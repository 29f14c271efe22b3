import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from 'ssh2';
import type { NodeSSH } from 'node-ssh';
import { createLogger } from '../../../../src/adapters/logger';
import { ConnectionPool } from '../../../../src/adapters/ssh/connection-pool';
import { HandshakeGate } from '../../../../src/adapters/ssh/handshake-gate';
import { HostKeyCheck } from '../../../../src/adapters/ssh/host-key-check';
import { httpOverChannel, splitHostPort } from '../../../../src/adapters/ssh/http-over-ssh';
import { fingerprint, parseKnownHosts } from '../../../../src/adapters/ssh/known-hosts';
import { KnownHostsCache } from '../../../../src/adapters/ssh/known-hosts-cache';
import { readPrivateKey } from '../../../../src/adapters/ssh/private-key';
import { execOverSsh, timedCommandLine } from '../../../../src/adapters/ssh/remote-exec';

/** An ed25519 public key blob as OpenSSH writes it. */
function edKey(): Buffer {
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(randomBytes(32))]);
}
const ed = (b: Buffer) => `ssh-ed25519 ${b.toString('base64')}`;
const target = { name: 'edge-1', address: '127.0.0.1', port: 2201, user: 'srs' };
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-parts-'));

describe('host-key check (ssh2 hostVerifier)', () => {
  const keyA = edKey();
  const keyB = edKey();

  it('accepts only the pinned key, and keeps the verdict and fingerprint for the error', () => {
    const known = parseKnownHosts(`[127.0.0.1]:2201 ${ed(keyA)}\n@revoked * ${ed(keyB)}\n`);
    const ok = new HostKeyCheck(known, '127.0.0.1', 2201);
    expect(ok.refusal()).toBeUndefined();
    expect(ok.verify(keyA)).toBe(true);
    expect(ok.presented).toBe(fingerprint(keyA));
    expect(ok.refusal()).toBeUndefined();

    const changed = new HostKeyCheck(known, '127.0.0.1', 2201);
    expect(changed.verify(keyB)).toBe(false);
    expect(changed.refusal()?.kind).toBe('revoked');

    const unknown = new HostKeyCheck(known, '127.0.0.1', 2202);
    expect(unknown.verify(keyA)).toBe(false);
    expect(unknown.refusal()).toEqual({ kind: 'unknown' });
    expect(unknown.presented).toBe(fingerprint(keyA));
  });
});

describe('known_hosts cache', () => {
  it('parses again when the mtime changes, and fails with the file system error when the file is gone', () => {
    const file = path.join(tmp(), 'known_hosts');
    const key = edKey();
    fs.writeFileSync(file, '');
    const cache = new KnownHostsCache(file);
    const first = cache.entries();
    expect(first.lines).toHaveLength(0);
    expect(cache.entries()).toBe(first);
    fs.writeFileSync(file, `[127.0.0.1]:2201 ${ed(key)}\n`);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(cache.entries().lines).toHaveLength(1);
    fs.rmSync(file);
    expect(() => cache.entries()).toThrow(/ENOENT/);
  });
});

describe('private key', () => {
  it('reads a 0600 key and refuses a missing or group-readable one with the fix', () => {
    const file = path.join(tmp(), 'id');
    expect(() => readPrivateKey(file)).toThrow(/does not exist; set ssh.privateKeyPath/);
    fs.writeFileSync(file, 'KEY', { mode: 0o640 });
    fs.chmodSync(file, 0o640);
    expect(() => readPrivateKey(file)).toThrow(`mode 640); run: chmod 600 ${file}`);
    fs.chmodSync(file, 0o600);
    expect(readPrivateKey(file)).toBe('KEY');
  });
});

describe('handshake gate', () => {
  it('admits at most the limit at once and frees the slot when a handshake fails', async () => {
    const gate = new HandshakeGate(2);
    const opened: Array<(ok: boolean) => void> = [];
    const start = () =>
      gate.admit(
        () =>
          new Promise<string>((resolve, reject) => {
            opened.push((ok) => (ok ? resolve('up') : reject(new Error('refused'))));
          }),
      );
    const all = [start(), start(), start()];
    await new Promise((r) => setImmediate(r));
    expect(gate.inProgress).toBe(2);
    expect(opened).toHaveLength(2);
    opened[0]?.(false);
    await expect(all[0]).rejects.toThrow('refused');
    await new Promise((r) => setImmediate(r));
    expect(opened).toHaveLength(3);
    opened[1]?.(true);
    opened[2]?.(true);
    await expect(Promise.all(all.slice(1))).resolves.toEqual(['up', 'up']);
    expect(gate.inProgress).toBe(0);
  });
});

/** A stand-in for node-ssh: a connection that can close, and a dispose that counts. */
function fakeSsh(): NodeSSH & { disposed: number; connection: EventEmitter } {
  const fake = {
    connection: new EventEmitter(),
    disposed: 0,
    dispose() {
      fake.disposed += 1;
    },
  };
  return fake as unknown as NodeSSH & { disposed: number; connection: EventEmitter };
}

describe('connection pool', () => {
  const logger = createLogger('t', { LOG_LEVEL: 'silent' });

  it('joins a connect in progress, replaces a connection that died, and closes an idle one', async () => {
    const made: ReturnType<typeof fakeSsh>[] = [];
    const connect = jest.fn(() => {
      const ssh = fakeSsh();
      made.push(ssh);
      return new Promise<{ ssh: NodeSSH }>((r) => setTimeout(() => r({ ssh }), 5));
    });
    const pool = new ConnectionPool({ connect, maxChannelsPerHost: 2, idleTimeoutMs: 20, logger });
    const use = () => pool.withChannel(target, (p) => Promise.resolve(p.ssh));
    const [a, b] = await Promise.all([use(), use()]);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);
    made[0]?.connection.emit('close');
    expect(await use()).toBe(made[1]);
    expect(connect).toHaveBeenCalledTimes(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(made[1]?.disposed).toBe(1);
    await pool.close();
  });

  it('shares a failed connect with the callers that joined it, and tries again after', async () => {
    let calls = 0;
    const connect = () => {
      calls += 1;
      return calls === 1
        ? new Promise<{ ssh: NodeSSH }>((_, reject) => setTimeout(() => reject(new Error('down')), 5))
        : Promise.resolve({ ssh: fakeSsh() });
    };
    const pool = new ConnectionPool({ connect, maxChannelsPerHost: 1, idleTimeoutMs: 1000, logger });
    const use = () => pool.withChannel(target, () => Promise.resolve('ran'));
    const both = await Promise.allSettled([use(), use()]);
    expect(both.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    await expect(use()).resolves.toBe('ran');
    await pool.close();
  });
});

/** An ssh2 channel stand-in: output events, and close() like ssh2's. */
class FakeChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  closed = false;
  close(): void {
    this.closed = true;
  }
}

/** A Client whose exec hands `channel` (or an error) to the callback. */
function fakeClient(channel: FakeChannel | Error): Client {
  return {
    exec: (_line: string, cb: (err: Error | undefined, ch: FakeChannel) => void) => {
      if (channel instanceof Error) cb(channel, new FakeChannel());
      else cb(undefined, channel);
    },
  } as unknown as Client;
}

describe('remote exec', () => {
  const limits = { clientTimeoutMs: 1000, outputCapChars: 4, started: Date.now() };

  it('puts the argv under coreutils timeout, whole seconds, at least one', () => {
    expect(timedCommandLine({ argv: ['echo', 'a b'], timeoutMs: 1500 })).toBe("timeout -k 2 2 'echo' 'a b'");
    expect(timedCommandLine({ argv: ['true'], timeoutMs: 10 })).toBe("timeout -k 2 1 'true'");
  });

  it('reports the exit code and the capped output', async () => {
    const ch = new FakeChannel();
    const done = execOverSsh(fakeClient(ch), 'x', limits);
    ch.emit('data', Buffer.from('hello'));
    ch.stderr.emit('data', Buffer.from('no'));
    ch.emit('exit', 3);
    ch.emit('close');
    expect(await done).toMatchObject({ code: 3, stdout: 'hell\n[... 1 bytes cut]', stderr: 'no', timedOut: false, connectionLost: false });
  });

  it('counts a host-side timeout exit as timed out, and a close without exit as a lost connection', async () => {
    const ch = new FakeChannel();
    const timed = execOverSsh(fakeClient(ch), 'x', limits);
    ch.emit('exit', 124);
    ch.emit('close');
    expect(await timed).toMatchObject({ code: 124, timedOut: true, connectionLost: false });
    const lostCh = new FakeChannel();
    const lost = execOverSsh(fakeClient(lostCh), 'x', limits);
    lostCh.emit('close');
    expect(await lost).toMatchObject({ code: null, timedOut: false, connectionLost: true });
    expect(await execOverSsh(fakeClient(new Error('no channel')), 'x', limits)).toMatchObject({ code: null, connectionLost: true });
    expect(await execOverSsh(undefined, 'x', limits)).toEqual({
      code: null,
      stdout: '',
      stderr: '',
      durationMs: 0,
      timedOut: false,
      connectionLost: true,
    });
  });

  it('closes the channel when the client timer runs out', async () => {
    const ch = new FakeChannel();
    const result = await execOverSsh(fakeClient(ch), 'x', { ...limits, clientTimeoutMs: 10 });
    expect(ch.closed).toBe(true);
    expect(result).toMatchObject({ code: null, timedOut: true, connectionLost: false });
    ch.emit('exit', 0);
    ch.emit('close');
  });
});

describe('HTTP over a channel', () => {
  it('splits host:port at the last colon', () => {
    expect(splitHostPort('127.0.0.1:1985')).toEqual(['127.0.0.1', '1985']);
    expect(splitHostPort('::1:1985')).toEqual(['::1', '1985']);
  });

  it('sends one GET with Connection: close and reads the answer', async () => {
    let request = '';
    const server = net.createServer((sock) => {
      sock.on('data', (d: Buffer) => {
        request += d.toString();
        if (request.includes('\r\n\r\n')) sock.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const socket = net.connect(port, '127.0.0.1');
    try {
      await expect(httpOverChannel(socket, '127.0.0.1', '/api/v1/versions', 2000)).resolves.toEqual({ status: 200, body: '{}' });
      expect(request).toMatch(/^GET \/api\/v1\/versions HTTP\/1.1\r\n/);
      expect(request.toLowerCase()).toContain('connection: close');
    } finally {
      socket.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
