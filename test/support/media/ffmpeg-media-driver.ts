import { spawn, type ChildProcess } from 'node:child_process';
import type { FleetHost } from '../fleet';
import { waitUntil } from '../wait-until';
import type { ConnectOptions, MediaClient, MediaDriver, MediaKind, ReconnectingPublisher } from './media-driver';

/** A small live source: 160x120 test pattern, 10 fps, H.264 with a key frame every second, no audio. */
const SOURCE = [
  '-re',
  '-f',
  'lavfi',
  '-i',
  'testsrc=size=160x120:rate=10',
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-tune',
  'zerolatency',
  '-g',
  '10',
  '-f',
  'flv',
];

function ffmpegArgs(host: FleetHost, kind: MediaKind, stream: string): string[] {
  const base = ['-nostdin', '-loglevel', 'error'];
  if (kind === 'publish') return [...base, ...SOURCE, `rtmp://127.0.0.1:${host.ports.rtmp}/${stream}`];
  const url = kind === 'flv' ? `http://127.0.0.1:${host.ports.http}/${stream}.flv` : `rtmp://127.0.0.1:${host.ports.rtmp}/${stream}`;
  return [...base, '-i', url, '-c', 'copy', '-f', 'null', '-'];
}

interface ApiClient {
  url?: string;
  type?: string;
  publish?: boolean;
}

const TYPE_OF: Record<MediaKind, string> = { publish: 'fmle-publish', play: 'rtmp-play', flv: 'flv-play' };

/** How many clients of a kind on a stream real SRS lists now (`GET /api/v1/clients/`, every page). */
async function listed(host: FleetHost, kind: MediaKind, stream: string): Promise<number> {
  let count = 0;
  for (let start = 0; ; start += 100) {
    const res = await fetch(`http://127.0.0.1:${host.ports.api}/api/v1/clients/?start=${start}&count=100`, {
      signal: AbortSignal.timeout(2000),
    });
    const body = (await res.json()) as { clients?: ApiClient[] };
    const page = body.clients ?? [];
    count += page.filter((c) => c.url === `/${stream}` && c.type === TYPE_OF[kind]).length;
    if (page.length < 100) return count;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * {@link MediaDriver} for real SRS hosts: each client is an ffmpeg process (Debian's ffmpeg) speaking real RTMP or
 * HTTP-FLV. A client counts as connected once SRS lists it in `/api/v1/clients/`.
 */
export class FfmpegMediaDriver implements MediaDriver {
  readonly engine = 'real' as const;
  /** Running children; `true` for a process group (the reconnecting loop). */
  private readonly children = new Map<ChildProcess, boolean>();

  async connect(host: FleetHost, options: ConnectOptions): Promise<MediaClient> {
    const stream = options.stream ?? 'live/livestream';
    const before = await listed(host, options.kind, stream);
    const child = this.spawn(ffmpegArgs(host, options.kind, stream));
    const closed = exited(child);
    const leave = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await closed;
    };
    try {
      await waitUntil(async () => child.exitCode === null && (await listed(host, options.kind, stream).catch(() => -1)) > before, {
        timeoutMs: 15000,
        intervalMs: 100,
        description: `${host.name}: ffmpeg ${options.kind} ${stream} listed by SRS`,
      });
    } catch (err) {
      await leave();
      throw err;
    }
    if (options.leaveAfterMs !== undefined) setTimeout(() => void leave(), options.leaveAfterMs).unref();
    return { kind: options.kind, stream, leave, closed };
  }

  reconnectingPublisher(host: FleetHost, stream: string): ReconnectingPublisher {
    // An encoder in a loop: connect, stream until dropped, wait 300 ms, connect again.
    const argv = ffmpegArgs(host, 'publish', stream)
      .map((a) => `'${a}'`)
      .join(' ');
    const child = this.spawn(['-c', `while :; do ffmpeg ${argv}; sleep 0.3; done`], 'sh', true);
    const stopped = exited(child);
    return {
      stream,
      stop: async () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await stopped;
        this.children.delete(child);
      },
    };
  }

  async closeAll(): Promise<void> {
    const all = [...this.children];
    for (const [child, group] of all) {
      try {
        if (child.pid !== undefined) process.kill(group ? -child.pid : child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await Promise.all(all.map(([child]) => exited(child)));
    this.children.clear();
  }

  private spawn(args: string[], file = 'ffmpeg', group = false): ChildProcess {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'ignore'], detached: group });
    this.children.set(child, group);
    void exited(child).then(() => {
      if (!group) this.children.delete(child);
    });
    return child;
  }
}
