import fs from 'node:fs';
import path from 'node:path';

/**
 * The per-group limits of hosts changing at once (each group's slots, its line of waiting jobs and their wait leases,
 * the hosts of those jobs, the waits reported, the ticket counter) have one owner, src/adapters/redis/group-slots.ts
 * (with its Lua scripts, group-slots-take.ts): the bot and the worker go through it, and no other code touches those
 * keys. This keeps it so, as host-queue-owner.test.ts does for the host queue.
 */
const root = path.join(__dirname, '..', '..', '..');
const OWNER = ['src/adapters/redis/group-slots.ts', 'src/adapters/redis/group-slots-take.ts'];
/** Where the key names are defined (and nothing else of them happens). */
const DEFINITIONS = 'src/adapters/redis/keys.ts';
const SOURCE_DIRS = ['src', 'workers', 'scripts', 'bench', 'config'];

const KEY_NAMES = ['groupLine', 'groupWaitLease', 'groupSlots', 'groupHosts', 'groupTold', 'groupTicket'];
const USES: readonly RegExp[] = [
  new RegExp(`\\bkeys\\s*\\.\\s*(${KEY_NAMES.join('|')})\\b`), // keys.hostQueue(host)
  new RegExp(`\\bkeys\\s*\\[\\s*['"\`](${KEY_NAMES.join('|')})`), // keys['hostQueue']
  new RegExp(`\\{[^}]*\\b(${KEY_NAMES.join('|')})\\b[^}]*\\}\\s*=\\s*keys\\b`), // const { hostQueue } = keys
  /:(groupq|groupwait|groupslots|grouphosts|grouptold|groupticket):?[`'"$]/, // the key text itself: `srs-chatops:groupq:${group}`
];

function sourcesUnder(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourcesUnder(rel);
    return /\.(ts|js|mjs|lua)$/.test(e.name) ? [rel] : [];
  });
}

/** `file:line: text` of every use of the group slots' keys in a file. */
function usesIn(file: string): string[] {
  return fs
    .readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .flatMap((line, i) => (USES.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

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
