import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root (bench/lib/..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Starts a TypeScript file in its own node process (`node --import tsx FILE`: one process, so its pid is the one to
 * measure), stdout and stderr appended to `logPath`, with an IPC channel to this process.
 */
export function spawnTs(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  logPath: string,
  nodeArgs: readonly string[] = [],
): ChildProcess {
  const fd = fs.openSync(logPath, 'a');
  try {
    return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', fd, fd, 'ipc'],
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** Like {@link spawnTs} for plain JavaScript: `node [nodeArgs] -e CODE ARGS` (argv[1] is ARGS' first). */
export function spawnJs(
  code: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  logPath: string,
  nodeArgs: readonly string[] = [],
): ChildProcess {
  const fd = fs.openSync(logPath, 'a');
  try {
    return spawn(process.execPath, [...nodeArgs, '-e', code, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', fd, fd, 'ipc'] });
  } finally {
    fs.closeSync(fd);
  }
}

/** Resolves with the first IPC message that `pick` accepts; rejects when the child exits or after `timeoutMs`. */
export function nextMessage<T>(child: ChildProcess, pick: (m: unknown) => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: unknown): void => {
      const v = pick(m);
      if (v === undefined) return;
      done();
      resolve(v);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      done();
      reject(new Error(`${what}: the child exited (${String(code ?? signal)}) first`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. Only touches this child's pid. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const forced = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
  clearTimeout(timer);
  if (forced) {
    child.kill('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
}

/** Runs a program to completion (bounded by `timeoutMs`), returning its output and wall time. */
export function runTimed(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string },
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (e) => err.push(Buffer.from(String(e))));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
  });
}
