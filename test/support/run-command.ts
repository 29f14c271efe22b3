import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';

/** How a command ended. `code` is null when it was killed by a signal (or timed out). */
export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link runCommand} and {@link runLauncher}. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command (SIGKILL) after this long. @defaultValue 30000 */
  timeoutMs?: number;
}

/** Runs a program with arguments (no shell); resolves with its exit status and output, whatever the status. */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 30_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code === 'string') {
          reject(new Error(`cannot run ${file}: ${err.message}`)); // ENOENT, EACCES...
          return;
        }
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        const signal = err?.signal ?? null;
        resolve({ code, signal, stdout, stderr });
      },
    );
  });
}

/**
 * Runs a command that leaves daemons behind (an init.d `start`, `systemctl start`): output goes to `outputPath`
 * rather than a pipe (a daemon that inherits a pipe would keep it open, and writing to it after we stop reading
 * could kill the daemon); it runs in its own session; resolves when the command itself exits.
 */
export function runLauncher(file: string, args: readonly string[], outputPath: string, options: RunOptions = {}): Promise<CommandResult> {
  const fd = fs.openSync(outputPath, 'w');
  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', fd, fd] });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${file}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: fs.readFileSync(outputPath, 'utf8'), stderr: '' });
    });
  }).finally(() => fs.closeSync(fd));
}
