import type { FleetHost } from './fleet';
import type { MediaClient, MediaDriver, MediaKind, ReconnectingPublisher } from './media';

/** Options of {@link startViewerCrowd}. */
export interface ViewerCrowdOptions {
  /** The media clients (the simulator's {@link SimMediaDriver} for simulator hosts). */
  driver: MediaDriver;
  /** The hosts, read again at each attempt (a fresh {@link FleetHost} snapshot). */
  hosts: () => readonly FleetHost[];
  /** The published stream, and what the viewers play. @defaultValue 'live/livestream' */
  stream?: string;
  /** One encoder per host that reconnects by itself (as real encoders do across a restart). @defaultValue true */
  publisher?: boolean;
  /** Viewers per host that leave by themselves and are replaced by new ones. @defaultValue 4 */
  viewers?: number;
  /** Viewers per host that never leave (a grace drain waits for them until its deadline). @defaultValue 1 */
  stayers?: number;
  /** How long a leaving viewer watches, drawn uniformly from this range. @defaultValue [10000, 70000] */
  watchMs?: readonly [number, number];
  /** Pause before a new viewer replaces one that left, drawn uniformly. @defaultValue [1000, 5000] */
  arriveMs?: readonly [number, number];
  /** Pause before trying again when a host refuses (stopped, or draining: its listeners are closed). @defaultValue 2000 */
  retryMs?: number;
  /** Random numbers in [0, 1) (tests pass a fixed sequence). @defaultValue Math.random */
  random?: () => number;
}

/** The viewers of one host as the crowd sees them. */
export interface CrowdHostCount {
  viewers: number;
  stayers: number;
  /** Viewers that came (connections accepted), stayers included. */
  arrivals: number;
}

/** Live simulated viewers on every host of a fleet. */
export interface ViewerCrowd {
  /** What is connected now, per host name. */
  counts(): Record<string, CrowdHostCount>;
  /** Resolves once every host has all its viewers (and stayers) connected, or rejects after `timeoutMs`. */
  whenFull(timeoutMs: number): Promise<void>;
  /** Stops every loop and disconnects every client. Idempotent. */
  stop(): Promise<void>;
}

interface Slot {
  host: string;
  stayer: boolean;
  client?: MediaClient;
}

/**
 * A small audience for a demo fleet, built on the simulator's own clients (a {@link MediaDriver}): per host one
 * reconnecting publisher, `viewers` viewers who each watch for a while (`watchMs`), leave, and are replaced by a new
 * viewer a moment later, and `stayers` viewers who never leave. A host that refuses (stopped, restarting, or
 * draining after a graceful quit, which closes its listeners) is tried again every `retryMs`, so the audience comes
 * back after a restart or a start. A drain therefore shows its connection count going down as viewers leave, while
 * the stayers (and the publisher) hold it until its deadline.
 */
export function startViewerCrowd(options: ViewerCrowdOptions): ViewerCrowd {
  const { driver } = options;
  const stream = options.stream ?? 'live/livestream';
  const [watchLow, watchHigh] = options.watchMs ?? [10_000, 70_000];
  const [arriveLow, arriveHigh] = options.arriveMs ?? [1000, 5000];
  const retryMs = options.retryMs ?? 2000;
  const random = options.random ?? Math.random;
  const between = (low: number, high: number): number => Math.round(low + (high - low) * random());
  const names = options.hosts().map((h) => h.name);
  let stopped = false;
  const timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = { timer: setTimeout(() => done(), ms), wake: () => done() };
      const done = (): void => {
        clearTimeout(entry.timer);
        timers.delete(entry);
        resolve();
      };
      timers.add(entry);
    });
  const arrivals = new Map<string, number>(names.map((n) => [n, 0]));
  const slots: Slot[] = names.flatMap((host) => [
    ...Array.from({ length: options.viewers ?? 4 }, () => ({ host, stayer: false })),
    ...Array.from({ length: options.stayers ?? 1 }, () => ({ host, stayer: true })),
  ]);
  const hostNamed = (name: string): FleetHost | undefined => options.hosts().find((h) => h.name === name);

  async function run(slot: Slot, index: number): Promise<void> {
    // Mixed players: RTMP and HTTP-FLV, as on a real edge.
    const kind: MediaKind = index % 3 === 2 ? 'flv' : 'play';
    let first = true;
    while (!stopped) {
      const host = hostNamed(slot.host);
      if (!host) return;
      try {
        const watch = slot.stayer ? undefined : first ? between(watchLow / 4, watchHigh) : between(watchLow, watchHigh);
        const client = await driver.connect(host, { kind, stream, ...(watch !== undefined && { leaveAfterMs: watch }) });
        if (stopped) {
          await client.leave();
          return;
        }
        first = false;
        slot.client = client;
        arrivals.set(slot.host, (arrivals.get(slot.host) ?? 0) + 1);
        await client.closed;
        slot.client = undefined;
        if (!stopped) await pause(slot.stayer ? retryMs : between(arriveLow, arriveHigh));
      } catch {
        if (!stopped) await pause(retryMs);
      }
    }
  }

  const publishers: ReconnectingPublisher[] =
    options.publisher === false ? [] : options.hosts().map((host) => driver.reconnectingPublisher(host, stream));
  const loops = slots.map((slot, i) => run(slot, i));

  return {
    counts() {
      const out: Record<string, CrowdHostCount> = {};
      for (const name of names) out[name] = { viewers: 0, stayers: 0, arrivals: arrivals.get(name) ?? 0 };
      for (const slot of slots) {
        const entry = out[slot.host];
        if (entry && slot.client) {
          if (slot.stayer) entry.stayers += 1;
          else entry.viewers += 1;
        }
      }
      return out;
    },
    async whenFull(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (slots.some((s) => s.client === undefined)) {
        if (stopped) throw new Error('the viewer crowd was stopped');
        if (Date.now() >= deadline) {
          const missing = slots.filter((s) => s.client === undefined).map((s) => s.host);
          throw new Error(`viewers not connected within ${timeoutMs} ms on ${[...new Set(missing)].join(', ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const entry of [...timers]) entry.wake();
      await Promise.all(publishers.map((p) => p.stop()));
      await Promise.all(slots.flatMap((s) => (s.client ? [s.client.leave()] : [])));
      await Promise.all(loops);
      await driver.closeAll();
    },
  };
}
