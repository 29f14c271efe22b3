import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../../test/support/process-table';

/** Names another state directory than the checkout's `.demo/` (the tests use a temporary one). */
export const DEMO_DIR_ENV = 'SRS_CHATOPS_DEMO_DIR';

/** Where one demo run keeps its state: everything per checkout, and per user where it is in the system temp dir. */
export interface DemoPaths {
  /** `.demo/` of the checkout: Redis, the fleet, the config, logs, the run file. Removed at each start. */
  root: string;
  /** Port reservations shared by this user's runs (demo, tests) on this machine: `$TMPDIR/srs-chatops-ports-<uid>`. */
  portDir: string;
  /** `root/run.json`: who runs the demo now (see {@link RunRecord}). */
  runFile: string;
  /** `root/watchdog.log`: what the watchdog did after the demo died. */
  watchdogLog: string;
}

function uidOf(): number {
  return typeof process.getuid === 'function' ? process.getuid() : 0;
}

/** The paths of a demo started in `repoRoot` by user `uid`. */
export function demoPaths(repoRoot: string, env: NodeJS.ProcessEnv = process.env, uid = uidOf(), tmpDir = os.tmpdir()): DemoPaths {
  const root = path.resolve(env[DEMO_DIR_ENV] || path.join(repoRoot, '.demo'));
  return {
    root,
    portDir: path.join(tmpDir, `srs-chatops-ports-${uid}`),
    runFile: path.join(root, 'run.json'),
    watchdogLog: path.join(root, 'watchdog.log'),
  };
}

/**
 * Makes `dir` a directory of this user only (mode 0700). A directory of that name owned by someone else (another
 * user's, or planted in a shared /tmp) is refused with an error that says what to do.
 */
export function ensureOwnDirectory(dir: string, uid = uidOf()): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== uid) {
    throw new Error(
      `${dir} is not a directory of this user (uid ${uid}; it belongs to uid ${stat.uid}): remove it, or set TMPDIR to a directory of yours`,
    );
  }
}

/**
 * Checks that the state directory can be replaced by this user: a `.demo/` left by a run as another user (root) is
 * named, with the command that removes it, instead of failing later with EACCES.
 */
export function checkStateDirWritable(root: string, uid = uidOf()): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(root);
  } catch {
    fs.accessSync(path.dirname(root), fs.constants.W_OK);
    return;
  }
  if (uid === 0) return;
  const foreign: string[] = [];
  const walk = (p: string, depth: number): void => {
    if (foreign.length > 0 || depth > 6) return;
    const s = fs.lstatSync(p);
    if (s.uid !== uid) foreign.push(p);
    else if (s.isDirectory()) for (const entry of fs.readdirSync(p)) walk(path.join(p, entry), depth + 1);
  };
  if (stat.uid !== uid) foreign.push(root);
  else walk(root, 0);
  if (foreign.length > 0) {
    throw new Error(
      `${root} holds files of another user (${foreign[0] ?? root}, from a run as that user?); this user cannot replace it. ` +
        `Remove it as that user (e.g. \`sudo rm -rf ${root}\`), or point ${DEMO_DIR_ENV} at a directory of yours.`,
    );
  }
}

/** The process that runs the demo now: `root/run.json`. */
export interface RunRecord {
  pid: number;
  /** Start time of the process in clock ticks since boot (`/proc/PID/stat` field 22): tells a reused pid apart. */
  startTicks: number;
  uid: number;
  startedAt: string;
}

/** Start time of a process in clock ticks since boot; undefined when it does not exist. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** This process as a {@link RunRecord}. */
export function ownRunRecord(): RunRecord {
  return { pid: process.pid, startTicks: processStartTicks(process.pid) ?? 0, uid: uidOf(), startedAt: new Date().toISOString() };
}

export function readRunRecord(file: string): RunRecord | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunRecord>;
    if (typeof parsed.pid !== 'number' || typeof parsed.startTicks !== 'number') return undefined;
    return { pid: parsed.pid, startTicks: parsed.startTicks, uid: parsed.uid ?? -1, startedAt: parsed.startedAt ?? '?' };
  } catch {
    return undefined;
  }
}

/** True when the run record's process still runs (same pid and start time: not a reused pid). */
export function isRunLive(record: RunRecord): boolean {
  return record.pid !== process.pid && isProcessAlive(record.pid) && processStartTicks(record.pid) === record.startTicks;
}
