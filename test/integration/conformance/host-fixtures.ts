import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { FleetHost } from '../../support/fleet';
import { readProcessInfo } from '../../support/process-table';
import { waitUntil } from '../../support/wait-until';

/**
 * What the conformance cases do to a host's files and neighbours. Plain file edits and ordinary processes, the same
 * for a simulator host and a real SRS host (both read SRS's config syntax; nothing here knows which it is).
 */

/** The pid in the host's pid file; undefined when there is none. */
export function pidOf(host: FleetHost): number | undefined {
  try {
    const pid = Number(fs.readFileSync(host.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when the process exists and is not a zombie. */
export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  const info = readProcessInfo(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** Makes the config invalid (an unbalanced brace), returning a function that puts it back. */
export function breakConfig(host: FleetHost): () => void {
  const good = fs.readFileSync(host.config, 'utf8');
  fs.appendFileSync(host.config, '\nvhost broken.example.com {\n    # missing closing brace\n');
  return () => fs.writeFileSync(host.config, good);
}

/** Points the config's RTMP `listen` at another port, returning a function that puts it back. */
export function setRtmpPort(host: FleetHost, port: number): () => void {
  const good = fs.readFileSync(host.config, 'utf8');
  const changed = good.replace(/^listen(\s+)\d+;/m, `listen$1${port};`);
  if (changed === good) throw new Error(`${host.name}: no top-level listen directive in ${host.config}`);
  fs.writeFileSync(host.config, changed);
  return () => fs.writeFileSync(host.config, good);
}

/** Processes a case started; {@link stopAll} ends them. */
const started = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** Kills every process the fixtures started. */
export async function stopAll(): Promise<void> {
  const all = [...started];
  for (const child of all) child.kill('SIGKILL');
  await Promise.all(
    all.map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())))),
  );
}

/**
 * Another program that wants a port: it binds `0.0.0.0:PORT` as soon as the port is free (at once, or the moment SRS
 * lets go of it) and holds it. Resolves its pid; `bound` resolves once it holds the port.
 */
export function portSquatter(port: number): { pid: number; bound: Promise<void>; child: ChildProcess } {
  const code = `const net=require('net');(function t(){const s=net.createServer();s.once('error',()=>setTimeout(t,20));s.listen(${port},'0.0.0.0',()=>process.stdout.write('bound\\n'))})();setInterval(()=>{},1e6)`;
  const child = track(spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] }));
  const bound = new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  if (child.pid === undefined) throw new Error('could not start the port squatter');
  return { pid: child.pid, bound, child };
}

/** A live process that is not SRS (what a recycled pid in a stale pid file names). */
export function foreignProcess(): number {
  const child = track(spawn('sleep', ['600'], { stdio: 'ignore' }));
  if (child.pid === undefined) throw new Error('could not start sleep');
  return child.pid;
}

/** A zombie whose parent never reaps it: resolves the zombie's pid and its parent's. */
export async function zombieProcess(): Promise<{ pid: number; parent: number }> {
  const child = track(spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 600'], { stdio: ['ignore', 'pipe', 'ignore'] }));
  const pid = await new Promise<number>((resolve) => child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  await waitUntil(() => readProcessInfo(pid)?.state === 'Z', { timeoutMs: 5000, description: `pid ${pid} to be a zombie` });
  return { pid, parent: child.pid ?? 0 };
}

/** Writes a pid into the host's pid file. */
export function writePidFile(host: FleetHost, pid: number): void {
  fs.writeFileSync(host.pidFile, `${pid}\n`);
}
