import { EventEmitter } from 'node:events';
import type { NodeSSH } from 'node-ssh';
import { createLogger } from '../../../../src/adapters/logger';
import { ConnectionPool, type Pooled } from '../../../../src/adapters/ssh/connection-pool';
import { ChatopsError, ErrorCode } from '../../../../src/core/errors';
import type { HopTarget } from '../../../../src/ports/host-port';

type FakeSsh = NodeSSH & { disposed: number; connection: EventEmitter };

/** A stand-in for node-ssh: a connection that can close, and a dispose that counts. */
function fakeSsh(): FakeSsh {
  const fake = {
    connection: new EventEmitter(),
    disposed: 0,
    dispose() {
      fake.disposed += 1;
    },
  };
  return fake as unknown as FakeSsh;
}

const b1 = { name: 'bastion-1', address: '10.0.1.2', port: 22, user: 'jump' };
const b2 = { name: 'bastion-2', address: '10.0.2.2', port: 22, user: 'jump' };
const edge3 = { name: 'edge-3', address: '10.0.3.2', port: 22, user: 'srs', jump: [b1, b2] };
const edge4 = { name: 'edge-4', address: '10.0.3.3', port: 22, user: 'srs', jump: [b1, b2] };
const logger = createLogger('t', { LOG_LEVEL: 'silent' });

/** A pool whose connects are recorded: `hop name <- via name`. */
function recordingPool(idleTimeoutMs = 1000, fail?: (hop: HopTarget) => Error | undefined) {
  const connects: string[] = [];
  const made = new Map<string, FakeSsh[]>();
  const pool = new ConnectionPool({
    connect: (hop: HopTarget, via: Pooled | undefined) => {
      connects.push(`${hop.name} <- ${via?.hop.name ?? 'bot'}`);
      const err = fail?.(hop);
      if (err) return Promise.reject(err);
      const ssh = fakeSsh();
      made.set(hop.name, [...(made.get(hop.name) ?? []), ssh]);
      return new Promise((r) => setTimeout(() => r({ ssh }), 2));
    },
    maxChannelsPerHost: 4,
    idleTimeoutMs,
    logger,
  });
  const last = (name: string) => made.get(name)?.at(-1) as FakeSsh;
  return { pool, connects, last };
}

describe('connection pool: bastion chains', () => {
  it('keeps one connection per bastion hop, shared by every target behind it', async () => {
    const { pool, connects } = recordingPool();
    const hopName = (p: Pooled) => Promise.resolve(`${p.parent?.parent?.hop.name} > ${p.parent?.hop.name} > ${p.hop.name}`);
    await expect(
      Promise.all([pool.withChannel(edge3, hopName), pool.withChannel(edge4, hopName), pool.withChannel(edge3, hopName)]),
    ).resolves.toEqual(['bastion-1 > bastion-2 > edge-3', 'bastion-1 > bastion-2 > edge-4', 'bastion-1 > bastion-2 > edge-3']);
    expect(connects.slice(0, 2)).toEqual(['bastion-1 <- bot', 'bastion-2 <- bastion-1']);
    expect(connects.slice(2).sort()).toEqual(['edge-3 <- bastion-2', 'edge-4 <- bastion-2']);
    await pool.close();
  });

  it('a dying bastion takes the connections through it down; the next use connects the chain again', async () => {
    const { pool, connects, last } = recordingPool();
    const use = (t: typeof edge3) => pool.withChannel(t, (p) => Promise.resolve(p));
    const before = await use(edge3);
    await use(edge4);
    const e3 = last('edge-3');
    last('bastion-2').connection.emit('close');
    expect(before.dead).toBe(true);
    expect(before.parent?.dead).toBe(true);
    expect(e3.disposed).toBe(1);
    expect(before.parent?.parent?.dead).toBe(false); // bastion-1 is still up
    const after = await use(edge3);
    expect(after).not.toBe(before);
    expect(connects.slice(4)).toEqual(['bastion-2 <- bastion-1', 'edge-3 <- bastion-2']);
    await pool.close();
  });

  it('closes an idle bastion only after the last connection through it closed', async () => {
    const { pool, last } = recordingPool(20);
    await pool.withChannel(edge3, () => Promise.resolve());
    await new Promise((r) => setTimeout(r, 80));
    // the target went idle first, then each bastion once nothing ran through it
    expect([last('edge-3').disposed, last('bastion-2').disposed, last('bastion-1').disposed]).toEqual([1, 1, 1]);
    await pool.close();
  });

  it('a failed hop fails every target behind it with an error naming the hop', async () => {
    const { pool, connects } = recordingPool(1000, (hop) =>
      hop.name === 'bastion-2' ? new ChatopsError(ErrorCode.HostKeyMismatch, 'REFUSED: the host key of bastion-2 has CHANGED') : undefined,
    );
    const results = await Promise.allSettled([
      pool.withChannel(edge3, () => Promise.resolve()),
      pool.withChannel(edge4, () => Promise.resolve()),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as ChatopsError).userMessage : 'ok'))).toEqual([
      'edge-3: bastion bastion-2 (jump@10.0.2.2:22): REFUSED: the host key of bastion-2 has CHANGED',
      'edge-4: bastion bastion-2 (jump@10.0.2.2:22): REFUSED: the host key of bastion-2 has CHANGED',
    ]);
    expect(connects).toEqual(['bastion-1 <- bot', 'bastion-2 <- bastion-1']);
    await pool.close();
  });
});
