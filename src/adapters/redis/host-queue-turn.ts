import { loadLua } from './lua/load-lua';
import { luaScript } from './lua-script';

/**
 * Part of the host queue's owner (host-queue.ts): only HostQueue runs this.
 *
 * A job's turn on its host, in one atomic step: is the job first in the host's FIFO list, then the host lock
 * (SET NX PX with the job id as owner token; a job already holding it, after a stall, keeps it), then the job's
 * cancel flag. A job missing from the list is appended (it then waits behind the jobs already there).
 * KEYS: host FIFO list, host lock, the job's cancel flag. ARGV: job id, lock time-to-live (ms).
 * Returns {'acquired'} or {'acquired', cancelledBy}, {'queued'} (appended, not first), {'behind', headJobId},
 * {'locked', holder}.
 */

/** The script (lua/host-turn-take.lua), run by its SHA-1 (see lua-script.ts). */
export const TAKE_HOST_TURN = luaScript(loadLua('host-turn-take').source);

/** What {@link HostQueue.takeTurn} found. */
export type HostTurn =
  /** First in line and the host lock is held by this job; `cancelledBy` is set when the job was cancelled meanwhile. */
  | { kind: 'acquired'; cancelledBy: string | null }
  /** The job was not in the host's list: appended behind the jobs there. */
  | { kind: 'queued' }
  /** Another job is first in line. */
  | { kind: 'behind'; head: string }
  /** First in line, but the lock is held by another job (it is finishing). */
  | { kind: 'locked'; holder: string };

/** Reads the script's reply (`[kind, detail?]`). */
export function parseHostTurn(reply: unknown): HostTurn {
  const [kind, detail] = reply as [string, string | undefined];
  switch (kind) {
    case 'acquired':
      return { kind, cancelledBy: detail ?? null };
    case 'queued':
      return { kind };
    case 'behind':
      return { kind, head: detail ?? '' };
    case 'locked':
      return { kind, holder: detail ?? '' };
    default:
      throw new Error(`take-host-turn: unexpected reply ${String(kind)}`);
  }
}
