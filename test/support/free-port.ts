import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from './process-table';

/**
 * Free loopback TCP ports for test servers.
 *
 * Ports are picked at random below the kernel's ephemeral range (so an outgoing connection can never be holding
 * one when a server later binds it), checked by binding 127.0.0.1, and reserved with a file under
 * `$TMPDIR/srs-chatops-ports/` holding the owner pid. A reservation lasts until {@link releasePorts} or until the
 * owner process dies, so a port handed out but not bound yet (an SRS that is stopped) is not handed to another
 * jest worker or another test run. `SRS_CHATOPS_PORT_DIR` names another directory (the demo uses one per user:
 * a directory created by one user is not writable by the next), read when the first port is reserved.
 */
export const PORT_DIR_ENV = 'SRS_CHATOPS_PORT_DIR';
let reservationDir: string | undefined;

/** The reservation directory: `$SRS_CHATOPS_PORT_DIR`, else `$TMPDIR/srs-chatops-ports`; fixed at first use. */
function reservationDirectory(): string {
  reservationDir ??= process.env[PORT_DIR_ENV] || path.join(os.tmpdir(), 'srs-chatops-ports');
  return reservationDir;
}
const handedOut = new Set<number>();

/** Owner pid of a reservation file; undefined while it is being written (empty) or unreadable. */
function ownerOf(file: string): number | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return text === '' ? undefined : Number(text);
  } catch {
    return undefined;
  }
}

function candidateRange(): { low: number; high: number } {
  let ephemeralLow = 32768;
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    if (low !== undefined && Number(low) > 0) ephemeralLow = Number(low);
  } catch {
    // not Linux: keep the usual default
  }
  const high = ephemeralLow - 1;
  return { low: Math.max(1024, high - 20000), high };
}

let swept = false;

/** Once per process: drop reservations whose owner is gone, so the directory does not grow run after run. */
function sweepStaleReservations(): void {
  if (swept) return;
  swept = true;
  fs.mkdirSync(reservationDirectory(), { recursive: true });
  for (const entry of fs.readdirSync(reservationDirectory())) {
    const file = path.join(reservationDirectory(), entry);
    const owner = ownerOf(file);
    if (owner !== undefined && !isProcessAlive(owner)) fs.rmSync(file, { force: true });
  }
}

function reserve(port: number): boolean {
  sweepStaleReservations();
  const file = path.join(reservationDirectory(), String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = ownerOf(file);
      if (owner === undefined || owner === process.pid || isProcessAlive(owner)) return false;
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  return false;
}

function bindProbe(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Allocates `count` distinct free loopback ports, never handing out a port twice in this process. */
export async function allocatePorts(count: number): Promise<number[]> {
  const { low, high } = candidateRange();
  const probes: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let attempts = 0; ports.length < count; attempts++) {
      if (attempts > count * 50 + 1000) throw new Error(`could not find ${count} free ports in ${low}-${high}`);
      const port = low + Math.floor(Math.random() * (high - low + 1));
      if (handedOut.has(port)) continue;
      const probe = await bindProbe(port);
      if (!probe) continue;
      probes.push(probe); // held open until the batch is complete: no duplicates within the batch
      if (!reserve(port)) continue;
      handedOut.add(port);
      ports.push(port);
    }
  } finally {
    await Promise.all(probes.map(close));
  }
  return ports;
}

/** Allocates one free loopback port. */
export async function allocatePort(): Promise<number> {
  const [port] = await allocatePorts(1);
  return port as number;
}

/** Drops the reservation of ports this process allocated (they may then be handed to another process). */
export function releasePorts(ports: readonly number[]): void {
  for (const port of ports) {
    const file = path.join(reservationDirectory(), String(port));
    if (ownerOf(file) === process.pid) fs.rmSync(file, { force: true });
  }
}
