/**
 * The SSH stand-in fleet split over several processes ({@link standin-proc.ts}): host i is served by process
 * i mod N (consecutive hosts, which workers connect to at about the same time, land on different event loops). One
 * host key for all (made here, passed to each), one known_hosts for every `[127.0.0.1]:port`, the same recording.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { renderKnownHosts } from '../../../test/support/fleet/known-hosts';
import { nextMessage, spawnTs, stopChild } from '../child';
import { cpuMs } from '../proc';
import type { Recording } from './recording';
import type { Unrecorded } from './replay-backend';
import type { StandinStats } from './standin-fleet';
import type { LoopDelay, ProcHostSpec, ProcToParent, StartMessage } from './standin-proc';

/** At most this many hosts per stand-in process by default. */
export const HOSTS_PER_PROC = 250;

export interface StandinProcsOptions {
  dir: string;
  clientPublicKeyPath: string;
  recording: Recording;
  hosts: readonly ProcHostSpec[];
  /** Processes; 0: enough for {@link HOSTS_PER_PROC} hosts each. */
  procs: number;
}

/** The fleet's counters, summed, with each process's event-loop delay since the last call. */
export interface StandinProcStats {
  stats: StandinStats;
  unrecorded: Unrecorded[];
  loops: LoopDelay[];
}

export class StandinProcs {
  readonly ports = new Map<string, number>();
  readonly knownHostsPath: string;
  readonly pids: number[] = [];

  private constructor(
    private readonly children: ChildProcess[],
    dir: string,
  ) {
    this.knownHostsPath = path.join(dir, 'known_hosts');
  }

  static async start(o: StandinProcsOptions): Promise<StandinProcs> {
    fs.mkdirSync(o.dir, { recursive: true });
    const n = Math.max(1, Math.min(o.hosts.length, o.procs > 0 ? o.procs : Math.ceil(o.hosts.length / HOSTS_PER_PROC)));
    const hostKeyPath = path.join(o.dir, 'host_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'standin-host', '-f', hostKeyPath]);
    const children = Array.from({ length: n }, (_, i) =>
      spawnTs('bench/lib/ssh-standin/standin-proc.ts', [], process.env, path.join(o.dir, `proc-${i}.log`)),
    );
    const fleet = new StandinProcs(children, o.dir);
    try {
      await Promise.all(children.map((child, i) => fleet.startOne(child, i, n, o, hostKeyPath)));
    } catch (err) {
      await fleet.stop();
      throw err;
    }
    const pub = fs.readFileSync(`${hostKeyPath}.pub`, 'utf8');
    const entries = o.hosts.map((h) => ({ address: '127.0.0.1', port: fleet.port(h.name), publicKey: pub }));
    fs.writeFileSync(fleet.knownHostsPath, renderKnownHosts(entries));
    return fleet;
  }

  get procs(): number {
    return this.children.length;
  }

  port(name: string): number {
    const p = this.ports.get(name);
    if (p === undefined) throw new Error(`no stand-in host ${name}`);
    return p;
  }

  /** CPU ms of all the fleet's processes so far. */
  cpuMs(): number {
    return this.pids.reduce((s, pid) => s + cpuMs(pid), 0);
  }

  async stats(): Promise<StandinProcStats> {
    const all = await Promise.all(
      this.children.map((child, i) => {
        const answer = nextMessage(
          child,
          (m) => ((m as ProcToParent).type === 'stats' ? (m as Extract<ProcToParent, { type: 'stats' }>) : undefined),
          10_000,
          `stand-in process ${i} stats`,
        );
        child.send({ type: 'stats' });
        return answer;
      }),
    );
    const stats: StandinStats = { connections: 0, authRefused: 0, execs: 0, tcpChannels: 0 };
    for (const a of all) for (const k of Object.keys(stats) as Array<keyof StandinStats>) stats[k] += a.stats[k];
    return { stats, unrecorded: all.flatMap((a) => a.unrecorded), loops: all.map((a) => a.loop) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => stopChild(c, 5000)));
  }

  private async startOne(child: ChildProcess, i: number, n: number, o: StandinProcsOptions, hostKeyPath: string): Promise<void> {
    const msg: StartMessage = {
      type: 'start',
      dir: path.join(o.dir, `proc-${i}`),
      hostKeyPath,
      clientPublicKeyPath: o.clientPublicKeyPath,
      recording: o.recording,
      hosts: o.hosts.filter((_, k) => k % n === i),
    };
    const answer = nextMessage(
      child,
      (m) => {
        const p = m as ProcToParent;
        return p.type === 'ready' || p.type === 'error' ? p : undefined;
      },
      90_000,
      `stand-in process ${i} ready`,
    );
    child.send(msg);
    const ready = await answer;
    if (ready.type === 'error') throw new Error(`stand-in process ${i}: ${ready.message}`);
    this.pids[i] = ready.pid;
    for (const [name, port] of ready.ports) this.ports.set(name, port);
  }
}
