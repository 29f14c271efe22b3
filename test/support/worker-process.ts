import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Config } from '../../config/schema';
import { watchChild } from './watch-child';

/** A real `srs-chatops worker` process (so that a test can SIGKILL it mid-job). */
export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it printed (JSON log lines). */
  output: () => string;
  exited: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Writes the config to a temp file and starts `srs-chatops worker` on it (tsx, no build needed). Its ops endpoints
 * listen on a free port (`METRICS_PORT=0`) unless `env` says otherwise.
 */
export function spawnWorker(config: Config, redisUrl: string, workerId: string, env: NodeJS.ProcessEnv = {}): WorkerProcess {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-'));
  const configPath = path.join(dir, 'srs-chatops.yml');
  fs.writeFileSync(configPath, stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
    env: {
      ...process.env,
      SRS_CHATOPS_CONFIG: configPath,
      REDIS_URL: redisUrl,
      WORKER_ID: workerId,
      LOG_LEVEL: 'info',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = watchChild(child);
  return {
    child,
    pid: child.pid ?? 0,
    output,
    exited,
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Resolves once the worker logged that it started (or rejects after `timeoutMs`). */
export async function workerReady(w: WorkerProcess, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!w.output().includes('worker started')) {
    if (Date.now() > end) throw new Error(`worker did not start: ${w.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The worker processes one test file starts: each is ready when `start` resolves; `stopAll` ends those still running. */
export interface WorkerPool {
  readonly all: readonly WorkerProcess[];
  start(config: Config, redisUrl: string, workerId: string): Promise<WorkerProcess>;
  stopAll(): Promise<void>;
}

/** A {@link WorkerPool}. */
export function workerPool(): WorkerPool {
  const all: WorkerProcess[] = [];
  return {
    all,
    start: async (config, redisUrl, workerId) => {
      const w = spawnWorker(config, redisUrl, workerId);
      all.push(w);
      await workerReady(w);
      return w;
    },
    stopAll: async () => {
      for (const w of all) if (w.child.exitCode === null) await w.kill('SIGTERM');
    },
  };
}
