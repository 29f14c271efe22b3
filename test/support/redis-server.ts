import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findProgram } from './ensure-packages';
import { allocatePort } from './free-port';
import { isProcessAlive } from './process-table';
import { pingRedis } from './redis-ping';
import { signalProcess, stopProcess } from './stop-process';
import { waitUntil } from './wait-until';

/** Options for {@link startRedis}. */
export interface StartRedisOptions {
  /** Working directory (AOF files, log). Created if missing. */
  dir: string;
  /** Port on 127.0.0.1. @defaultValue a free port */
  port?: number;
  /** Keep an append-only file (`appendfsync always`), so data survives a restart or a SIGKILL. @defaultValue false */
  appendOnly?: boolean;
  /** How long to wait for PING after start. @defaultValue 10000 */
  startTimeoutMs?: number;
}

/** A real `redis-server` process on 127.0.0.1, started by this process. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Pid of the current process (changes on restart); 0 before the first start completes. */
  readonly pid: number;
  readonly dir: string;
  /** The server log file. */
  readonly logPath: string;
  /** True while the started process is alive (a SIGSTOPped one counts as running). */
  isRunning(): boolean;
  /** SIGTERM (clean shutdown), SIGKILL after 3 s; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL: Redis dies); for SIGKILL waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server if it runs, then starts a new one on the same port and directory; resolves on PING. */
  restart(): Promise<void>;
}

function redisArgs(port: number, dir: string, logPath: string, appendOnly: boolean): string[] {
  const persistence = appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'no',
    '--daemonize',
    'no',
    '--dir',
    dir,
    '--logfile',
    logPath,
    '--save',
    '',
    '--databases',
    '64',
    ...persistence,
  ];
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts a `redis-server` (no persistence unless `appendOnly`) and waits until it answers PING. */
export async function startRedis(options: StartRedisOptions): Promise<RedisServer> {
  const binary = findProgram('redis-server');
  if (!binary) throw new Error('redis-server is not installed (see test/support/ensure-packages.ts)');
  const dir = path.resolve(options.dir);
  fs.mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await allocatePort());
  const logPath = path.join(dir, `redis-${port}.log`);
  const args = redisArgs(port, dir, logPath, options.appendOnly ?? false);
  let pid = 0;

  const launch = async (): Promise<void> => {
    const child = spawn(binary, args, { cwd: dir, detached: true, stdio: 'ignore' });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not spawn ${binary}`);
    const started = child.pid;
    pid = started;
    await waitUntil(
      async () => {
        if (!isProcessAlive(started)) throw new Error(`redis-server on port ${port} exited:\n${tail(logPath)}`);
        return pingRedis(port);
      },
      { timeoutMs: options.startTimeoutMs ?? 10_000, intervalMs: 20, description: `redis-server on port ${port}` },
    );
  };

  const stop = async (): Promise<void> => {
    if (pid !== 0) await stopProcess(pid, { signal: 'SIGTERM', graceMs: 3000 });
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    logPath,
    get pid() {
      return pid;
    },
    isRunning: () => pid !== 0 && isProcessAlive(pid),
    stop,
    kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
      if (pid === 0 || !isProcessAlive(pid)) return;
      signalProcess(pid, signal);
      const victim = pid;
      if (signal === 'SIGKILL') {
        await waitUntil(() => !isProcessAlive(victim), { timeoutMs: 5000, description: `redis pid ${victim} to die` });
      }
    },
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
