import { keyUses, sourcesUnder, usesIn as usesOf } from '../../support/key-owner-scan';

/**
 * The per-host job queue (each host's FIFO list, its lock, the jobs' queue details and cancel flags) has one owner,
 * src/adapters/redis/host-queue.ts (with its Lua script, host-queue-turn.ts): the bot and the worker go through it, and
 * no other code touches those keys. This keeps it so: it reads the program's sources (tests excepted: they set up and
 * inspect Redis directly) and fails on a use of the keys anywhere else.
 */
const OWNER = ['src/adapters/redis/host-queue.ts', 'src/adapters/redis/host-queue-turn.ts'];
/** Where the key names are defined (and nothing else of them happens). */
const DEFINITIONS = 'src/adapters/redis/keys.ts';
const SOURCE_DIRS = ['src', 'workers', 'scripts', 'bench', 'config'];

const KEY_NAMES = ['hostQueue', 'hostLock', 'jobInfo', 'cancelled'];
const USES: readonly RegExp[] = [
  ...keyUses(KEY_NAMES), // keys.x(...), keys['x'], const { x } = keys
  // the key text itself, right after the prefix: `srs-chatops:hostq:${host}` (not `${PREFIX}:fanout:${id}:cancelled`)
  /(?:srs-chatops|\$\{PREFIX\}):(hostq|hostlock|jobinfo|cancelled):?[`'"$]/,
];

const usesIn = (file: string): string[] => usesOf(file, USES);

describe('the per-host job queue has one owner (src/adapters/redis/host-queue.ts)', () => {
  const files = SOURCE_DIRS.flatMap(sourcesUnder);

  it('reads the sources (the check is not vacuous)', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        ...OWNER,
        DEFINITIONS,
        'src/adapters/bullmq/worker/job-worker.ts',
        'src/adapters/bullmq/bullmq-job-queue.ts',
      ]),
    );
    expect(usesIn(OWNER[0] ?? '').length).toBeGreaterThanOrEqual(KEY_NAMES.length);
    expect(usesIn(DEFINITIONS)).toHaveLength(KEY_NAMES.length);
  });

  it('no other file uses the host FIFO, host lock, queue details or cancel flag keys', () => {
    const outside = files.filter((f) => !OWNER.includes(f) && f !== DEFINITIONS).flatMap(usesIn);
    expect(outside).toEqual([]);
  });

  it('catches the ways a key can be reached', () => {
    const caught = (line: string): boolean => USES.some((re) => re.test(line));
    expect(caught('await redis.lrem(keys.hostQueue(data.host), 1, id);')).toBe(true);
    expect(caught("redis.get(keys['hostLock'](host))")).toBe(true);
    expect(caught('const { jobInfo } = keys;')).toBe(true);
    expect(caught('redis.rpush(`srs-chatops:hostq:${host}`, id)')).toBe(true);
    expect(caught('await deps.queue.hostQueues(hosts)')).toBe(false);
    expect(caught('fanOutStop: (id: string) => `${PREFIX}:fanout:${id}:cancelled`,')).toBe(false);
    expect(caught('cancelled: (jobId: string) => `${PREFIX}:cancelled:${jobId}`,')).toBe(true);
  });
});
