import { readProcessInfo } from '../process-table';

/** The environment variable scripts/with-subreaper.sh sets to the reaper's pid. */
export const SUBREAPER_ENV = 'SRS_CHATOPS_SUBREAPER';

/** True when `pid` is this process or one of its ancestors. */
function isAncestor(pid: number): boolean {
  for (let p: number | undefined = process.pid; p !== undefined && p > 0; p = readProcessInfo(p)?.ppid) {
    if (p === pid) return true;
    if (p === 1) return false;
  }
  return false;
}

/**
 * Throws unless this process runs under the test subreaper (scripts/with-subreaper.sh). SRS daemons the fleet starts
 * are reparented to it and reaped after a short delay, as init does on a real host; without it every exited SRS stays
 * a zombie, and SRS's init.d `start` (`ps -p` counts a zombie) refuses for good.
 */
export function requireSubreaper(): void {
  const pid = Number(process.env[SUBREAPER_ENV]);
  if (Number.isInteger(pid) && pid > 1 && isAncestor(pid)) return;
  throw new Error(
    "This must run under the subreaper, which reaps exited SRS daemons as init does on a real host (this machine's " +
      'PID 1 does not). Run it through npm: `npm test`, `npm run test:integration -- test/integration/FILE.test.ts` for one ' +
      'test file, `npm run demo`, `npm run bench:fleet` (each uses scripts/with-subreaper.sh).',
  );
}
