import type { FleetHost } from '../../support/fleet';
import type { ConnectOptions, MediaClient, MediaDriver, ReconnectingPublisher } from '../../support/media';
import { startViewerCrowd } from '../../support/viewer-crowd';
import { sleep, waitUntil } from '../../support/wait-until';

/** A host that accepts clients while `up`, and drops them all when it goes down (a restart, a force quit). */
class FakeDriver implements MediaDriver {
  readonly engine = 'sim' as const;
  readonly up = new Map<string, boolean>();
  readonly open = new Map<string, Set<() => void>>();
  readonly connects: Array<{ host: string; options: ConnectOptions }> = [];
  readonly publishers: string[] = [];

  connect(host: FleetHost, options: ConnectOptions): Promise<MediaClient> {
    if (this.up.get(host.name) === false) return Promise.reject(new Error('ECONNREFUSED'));
    this.connects.push({ host: host.name, options });
    let close = (): void => undefined;
    const closed = new Promise<void>((resolve) => {
      close = resolve;
    });
    const set = this.open.get(host.name) ?? new Set();
    this.open.set(host.name, set);
    set.add(close);
    const timer = options.leaveAfterMs !== undefined ? setTimeout(close, options.leaveAfterMs) : undefined;
    void closed.then(() => {
      clearTimeout(timer);
      set.delete(close);
    });
    return Promise.resolve({ kind: options.kind, stream: options.stream ?? 'live/livestream', leave: () => (close(), closed), closed });
  }

  reconnectingPublisher(host: FleetHost, stream: string): ReconnectingPublisher {
    this.publishers.push(host.name);
    return { stream, stop: () => Promise.resolve() };
  }

  closeAll(): Promise<void> {
    for (const set of this.open.values()) for (const close of [...set]) close();
    return Promise.resolve();
  }

  down(name: string): void {
    this.up.set(name, false);
    for (const close of [...(this.open.get(name) ?? [])]) close();
  }

  connected(name: string): number {
    return this.open.get(name)?.size ?? 0;
  }
}

const hosts = ['edge-1', 'edge-2'].map((name) => ({ name }) as FleetHost);

describe('the demo viewer crowd (test/support/viewer-crowd.ts)', () => {
  it('keeps viewers on every host: some come and go, stayers never leave, all come back after the host returns', async () => {
    const driver = new FakeDriver();
    const crowd = startViewerCrowd({
      driver,
      hosts: () => hosts,
      viewers: 3,
      stayers: 1,
      watchMs: [40, 80],
      arriveMs: [5, 10],
      retryMs: 20,
    });
    try {
      await crowd.whenFull(2000);
      expect(driver.publishers).toEqual(['edge-1', 'edge-2']);
      expect(crowd.counts()['edge-1']).toMatchObject({ viewers: 3, stayers: 1 });
      // Players of both kinds; stayers have no leave time, the others do.
      const first = driver.connects.filter((c) => c.host === 'edge-1');
      expect(new Set(first.map((c) => c.options.kind))).toEqual(new Set(['play', 'flv']));
      expect(first.filter((c) => c.options.leaveAfterMs === undefined)).toHaveLength(1);

      // Viewers leave and new ones arrive: more arrivals than seats after a while.
      await waitUntil(() => (crowd.counts()['edge-1']?.arrivals ?? 0) >= 8, { timeoutMs: 3000, description: 'viewers to come and go' });

      // The host goes away (a force quit): nobody can connect; then it comes back and so does its audience.
      driver.down('edge-2');
      await sleep(100);
      expect(driver.connected('edge-2')).toBe(0);
      expect(crowd.counts()['edge-2']).toMatchObject({ viewers: 0, stayers: 0 });
      // edge-1 is not touched by it: its stayer holds on, and its viewers keep coming (counting arrivals, not seats
      // at one instant, which a late timer on a loaded machine can catch between a leave and the next arrival).
      expect(crowd.counts()['edge-1']?.stayers).toBe(1);
      const edge1Arrivals = crowd.counts()['edge-1']?.arrivals ?? 0;
      await waitUntil(() => (crowd.counts()['edge-1']?.arrivals ?? 0) >= edge1Arrivals + 3, {
        timeoutMs: 3000,
        description: 'edge-1 viewers to keep coming while edge-2 is down',
      });
      expect(driver.connected('edge-2')).toBe(0);
      driver.up.set('edge-2', true);
      await waitUntil(() => crowd.counts()['edge-2']?.stayers === 1 && driver.connected('edge-2') >= 3, {
        timeoutMs: 2000,
        description: 'edge-2 viewers back',
      });
    } finally {
      await crowd.stop();
    }
    const after = driver.connects.length;
    await sleep(100);
    expect(driver.connects.length).toBe(after);
    expect(driver.connected('edge-1') + driver.connected('edge-2')).toBe(0);
  });
});
