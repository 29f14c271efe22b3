// Types of host-kit.js (helpers for tests that drive simulated hosts), for TypeScript callers.
import type { InstalledHost, InstallOptions } from './install';
export interface RunResult {
  code: number;
  out: string;
  raw: string;
  stdout: string;
  stderr: string;
}
export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}
export interface HostKit {
  tmpRoot: string;
  /** graceStartWaitMs 300 and graceFinalWaitMs 200 unless given */
  newHost(opts?: Partial<InstallOptions>): Promise<InstalledHost>;
  cleanup(): Promise<void>;
}
export function hostKit(prefix: string): HostKit;
/** init.d `stop` of a running SRS: `stopped by SIGTERM`, or `send signal SIGTERM failed ret=1` (exit 1) when the reaper won the race. */
export const STOP_RESULT: RegExp;
export function run(file: string, args: string[], opts?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<RunResult>;
export function initd(h: InstalledHost, verb: string): Promise<RunResult>;
export function readPid(h: InstalledHost): number;
export function readText(file: string): string;
export function log(h: InstalledHost): string;
export function messages(h: InstalledHost): string[];
export function waitLog(h: InstalledHost, text: string, timeoutMs?: number): Promise<boolean>;
export function waitUp(h: InstalledHost): Promise<boolean>;
export function waitFor<T>(fn: () => T | Promise<T>, timeoutMs?: number, what?: string): Promise<T>;
export function api(h: InstalledHost, p: string, method?: string): Promise<ApiAnswer>;
/** State letter from /proc/PID/status (`Z` for a zombie), null when there is no such process. */
export function procState(pid: number): string | null;
/** Exists and has not exited. */
export function running(pid: number): boolean;
/** Gone from the process table (reaped). */
export function gone(pid: number): boolean;
export function sleep(ms: number): Promise<void>;
export function portFree(port: number): Promise<boolean>;
