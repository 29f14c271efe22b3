import { keyUses, sourcesUnder, usesIn as usesOf } from '../../support/key-owner-scan';

/**
 * The per-group limits of hosts changing at once (each group's slots, its line of waiting jobs and their wait leases,
 * the hosts of those jobs, the waits reported, the ticket counter) have one owner, src/adapters/redis/group-slots.ts
 * (with its Lua scripts, group-slots-take.ts): the bot and the worker go through it, and no other code touches those
 * keys. This keeps it so, as host-queue-owner.test.ts does for the host queue.
 */
const OWNER = ['src/adapters/redis/group-slots.ts', 'src/adapters/redis/group-slots-take.ts'];
/** Where the key names are defined (and nothing else of them happens). */
const DEFINITIONS = 'src/adapters/redis/keys.ts';
const SOURCE_DIRS = ['src', 'workers', 'scripts', 'bench', 'config'];

const KEY_NAMES = ['groupLine', 'groupWaitLease', 'groupSlots', 'groupHosts', 'groupTold', 'groupTicket'];
const USES: readonly RegExp[] = [
  ...keyUses(KEY_NAMES), // keys.x(...), keys['x'], const { x } = keys
  /:(groupq|groupwait|groupslots|grouphosts|grouptold|groupticket):?[`'"$]/, // the key text itself: `srs-chatops:groupq:${group}`
];

const usesIn = (file: string): string[] => usesOf(file, USES);

describe('the per-group limits of hosts changing at once have one owner (src/adapters/redis/group-slots.ts)', () => {
  const files = SOURCE_DIRS.flatMap(sourcesUnder);

  it('reads the sources (the check is not vacuous)', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        ...OWNER,
        DEFINITIONS,
        'src/adapters/bullmq/worker/wait-for-slots.ts',
        'src/adapters/bullmq/bullmq-job-queue.ts',
      ]),
    );
    expect(usesIn(OWNER[0] ?? '').length).toBeGreaterThanOrEqual(KEY_NAMES.length - 1);
    expect(usesIn(DEFINITIONS)).toHaveLength(KEY_NAMES.length);
  });

  it('no other file uses the group slots, lines, wait leases, hosts, reported waits or ticket keys', () => {
    const outside = files.filter((f) => !OWNER.includes(f) && f !== DEFINITIONS).flatMap(usesIn);
    expect(outside).toEqual([]);
  });

  it('catches the ways a key can be reached', () => {
    const caught = (line: string): boolean => USES.some((re) => re.test(line));
    expect(caught('await redis.zrem(keys.groupSlots(group), id);')).toBe(true);
    expect(caught("redis.zrange(keys['groupLine'](group), 0, -1)")).toBe(true);
    expect(caught('const { groupTicket } = keys;')).toBe(true);
    expect(caught('redis.zadd(`srs-chatops:groupslots:${group}`, 1, id)')).toBe(true);
    expect(caught('await deps.queue.groupLines(groups)')).toBe(false);
    expect(caught('ctx.groupSlots.release(jobId, groups)')).toBe(false);
  });
});
