import { LeaseKeeper } from '../../../src/bot/lease-keeper';
import type { LeasePort } from '../../../src/ports/lease-port';
import type { Logger } from '../../../src/ports/logger-port';

/** A lease in memory on a fake clock: what Redis does with SET NX PX and the compare scripts. */
function memoryLease(clock: { now: number }): LeasePort & { down: boolean } {
  let holder: { token: string; until: number } | undefined;
  const live = (): typeof holder => (holder !== undefined && holder.until > clock.now ? holder : undefined);
  const fake = {
    down: false,
    acquire: (_n: string, token: string, ttlMs: number) => {
      if (fake.down) return Promise.reject(new Error('Connection is closed.'));
      const h = live();
      if (h !== undefined && h.token !== token) return Promise.resolve(false);
      holder = { token, until: clock.now + ttlMs };
      return Promise.resolve(true);
    },
    renew: (_n: string, token: string, ttlMs: number) => {
      if (fake.down) return Promise.reject(new Error('Connection is closed.'));
      if (live()?.token !== token) return Promise.resolve(false);
      holder = { token, until: clock.now + ttlMs };
      return Promise.resolve(true);
    },
    release: (_n: string, token: string) => {
      if (live()?.token === token) holder = undefined;
      return Promise.resolve();
    },
  };
  return fake;
}

function logs(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = (a: unknown, b?: string): void => void lines.push(typeof a === 'string' ? a : (b ?? ''));
  const logger: Logger = { debug: () => undefined, info: log, warn: log, error: log, child: () => logger };
  return { logger, lines };
}

describe('LeaseKeeper', () => {
  const setup = () => {
    const clock = { now: 0 };
    const lease = memoryLease(clock);
    const a = logs();
    const b = logs();
    const keeper = (token: string, logger: Logger) =>
      new LeaseKeeper({ lease, name: 'sweeper', token, ttlMs: 3000, logger, now: () => clock.now });
    return { clock, lease, a, b, ka: keeper('a', a.logger), kb: keeper('b', b.logger) };
  };

  it('one replica holds it; the other takes over within the TTL after the holder dies (no release)', async () => {
    const { clock, a, b, ka, kb } = setup();
    await ka.tick();
    await kb.tick();
    expect([ka.held(), kb.held()]).toEqual([true, false]);
    expect(a.lines).toContain('lease taken: this replica runs it');
    // a dies (SIGKILL): it never ticks again. b keeps trying every third of the TTL.
    let tookAt: number | undefined;
    for (clock.now = 1000; clock.now <= 6000 && tookAt === undefined; clock.now += 1000) {
      await kb.tick();
      if (kb.held()) tookAt = clock.now;
    }
    expect(tookAt).toBe(3000);
    expect(b.lines).toContain('lease taken: this replica runs it');
  });

  it('renewals keep it; a clean stop frees it at once', async () => {
    const { clock, ka, kb } = setup();
    await ka.tick();
    for (clock.now = 1000; clock.now <= 10_000; clock.now += 1000) {
      await ka.tick();
      await kb.tick();
      expect([ka.held(), kb.held()]).toEqual([true, false]);
    }
    await ka.stop();
    await kb.tick();
    expect([ka.held(), kb.held()]).toEqual([false, true]);
  });

  it('a holder that cannot reach Redis stops acting before the lease can pass, and says so', async () => {
    const { clock, lease, a, ka } = setup();
    await ka.tick();
    lease.down = true;
    clock.now = 1000;
    await ka.tick();
    expect(ka.held()).toBe(true);
    clock.now = 2000; // two thirds of the TTL since the last renewal: the lease may be gone at 3000
    await ka.tick();
    expect(ka.held()).toBe(false);
    expect(a.lines).toContain('lease lost: this replica stops running it');
  });

  it('a holder whose lease was taken (expired while it was stalled) learns at its next renewal', async () => {
    const { clock, a, ka, kb } = setup();
    await ka.tick();
    clock.now = 1900;
    await ka.tick(); // renewed until 4900; valid locally until 3900
    clock.now = 5000;
    await kb.tick(); // a stalled: b takes it
    expect(kb.held()).toBe(true);
    expect(ka.held()).toBe(false);
    expect(a.lines.filter((l) => l.startsWith('lease lost'))).toHaveLength(1);
  });
});
