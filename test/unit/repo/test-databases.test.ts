import fs from 'node:fs';
import path from 'node:path';

/**
 * Every integration test file on the shared redis-server claims its own database number: `const DB = N` (`DB_X = N`)
 * or `startBotHarness(hosts, N, ...)`. A number given any other way (an object of numbers) is refused, so none hides.
 */
function databasesOf(file: string): number[] {
  const text = fs.readFileSync(file, 'utf8');
  const own = [...text.matchAll(/const DB\w* = (\d+);/g)].map((m) => Number(m[1]));
  // The harness's database on the shared server (a harness given its own `redisUrl: server.url` is left out).
  const harness = [...text.matchAll(/startBotHarness\(\s*(?:\[[^\]]*\]|[\w.]+)\s*,\s*(\d+)\s*[,)]([\s\S]{0,1500}?\);)/g)]
    .filter((m) => !/redisUrl: server/.test(m[2] ?? ''))
    .map((m) => Number(m[1]));
  const hidden = [...text.matchAll(/const DB\w* = \{[^}]*\d[^}]*\}/g)].map((m) => m[0]);
  if (hidden.length > 0) throw new Error(`${file}: name each database as const DB_X = N (found ${hidden.join('; ')})`);
  return [...own, ...harness];
}

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []));
}

describe('integration tests share one redis-server', () => {
  it('and no two test files use the same database (a FLUSHDB in one would wipe another that runs beside it)', () => {
    const owners = new Map<number, string[]>();
    for (const file of testFiles(path.resolve(__dirname, '..', '..', 'integration'))) {
      for (const db of new Set(databasesOf(file))) owners.set(db, [...(owners.get(db) ?? []), path.basename(file)]);
    }
    const shared = [...owners].filter(([, files]) => files.length > 1);
    expect(shared).toEqual([]);
    expect(owners.size).toBeGreaterThanOrEqual(20); // the scan finds them all (a regex that finds none would pass)
    for (const db of owners.keys()) expect(db).toBeLessThan(64); // redis-server is started with --databases 64
  });
});
