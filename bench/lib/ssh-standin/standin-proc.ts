/**
 * One process of a split stand-in fleet (started by {@link StandinProcs}): serves its share of the hosts with
 * {@link StandinFleet} and {@link ReplayBackend}, so that the server side of SSH (handshakes, ciphers) for 1,000
 * hosts is spread over several event loops. Talks to the bench over IPC:
 *
 *   parent -> { type: 'start', ... }   child -> { type: 'ready', pid, ports }
 *   parent -> { type: 'stats' }        child -> { type: 'stats', stats, unrecorded, loop }   (loop delay since the last)
 *
 * SIGTERM closes the listeners and every connection, then exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Recording } from './recording';
import { ReplayBackend, type Unrecorded } from './replay-backend';
import { StandinFleet, type StandinStats } from './standin-fleet';

export interface ProcHostSpec {
  name: string;
  refuseAuth: boolean;
  scenario: 'up' | 'down';
}

export interface StartMessage {
  type: 'start';
  dir: string;
  hostKeyPath: string;
  clientPublicKeyPath: string;
  recording: Recording;
  hosts: ProcHostSpec[];
}

/** Event-loop delay of the process over a window (ms): what a client's handshake waited for this loop, at worst. */
export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

export type ProcToParent =
  | { type: 'ready'; pid: number; ports: Array<[string, number]> }
  | { type: 'stats'; stats: StandinStats; unrecorded: Unrecorded[]; loop: LoopDelay }
  | { type: 'error'; message: string };

const send = (m: ProcToParent): void => void process.send?.(m);

let fleet: StandinFleet | undefined;
const unrecorded: Unrecorded[] = [];
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

async function start(m: StartMessage): Promise<void> {
  const hosts = m.hosts.map((h) => ({
    name: h.name,
    refuseAuth: h.refuseAuth,
    backend: new ReplayBackend(m.recording, h.name, h.scenario, unrecorded),
  }));
  fleet = await StandinFleet.start({ dir: m.dir, hostKeyPath: m.hostKeyPath, clientPublicKeyPath: m.clientPublicKeyPath, hosts });
  send({ type: 'ready', pid: process.pid, ports: [...fleet.ports.entries()] });
}

process.on('message', (m: { type?: string }) => {
  if (m.type === 'start')
    start(m as StartMessage).catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
  if (m.type === 'stats') {
    const delay = { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 };
    loop.reset();
    send({
      type: 'stats',
      stats: { ...(fleet?.stats ?? { connections: 0, authRefused: 0, execs: 0, tcpChannels: 0 }) },
      unrecorded,
      loop: delay,
    });
  }
});

process.once('SIGTERM', () => {
  const done = (): never => process.exit(0);
  if (fleet === undefined) done();
  else fleet.stop().then(done, done);
});
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
