/**
 * Unit tests mirror the source, so a file's tests are found by its path: test/unit/<path>/<name>[.<suffix>].test.ts
 * tests src/<path>/<name>.ts, or config/, scripts/, test/srs-sim/ or test/support/ when <path> starts with those.
 * Tests of the repository itself (docs, packaging, deploy files, guards) live in test/unit/repo. A source renamed
 * without its test fails here.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const unitDir = path.join(root, 'test', 'unit');

/** Top folders of test/unit that mirror a folder other than src/. */
const OUTSIDE_SRC: Readonly<Record<string, string>> = {
  config: 'config',
  scripts: 'scripts',
  'srs-sim': 'test/srs-sim',
  support: 'test/support',
};

/** Extensions a tested source file may have (the simulator is JavaScript, some scripts are shell). */
const SOURCE_EXTENSIONS = ['.ts', '.js', '.sh'];

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [path.relative(unitDir, full)] : [];
  });
}

/** The source a test names, without extension: `core/parse-command.hostile.test.ts` → `src/core/parse-command`. */
function sourceOf(testFile: string): string {
  const [top = '', ...rest] = testFile.split(path.sep);
  const name =
    path
      .basename(testFile)
      .replace(/\.test\.ts$/, '')
      .split('.')[0] ?? '';
  const dir = path.dirname(testFile);
  const mirrored = OUTSIDE_SRC[top];
  if (mirrored !== undefined) return path.join(mirrored, ...rest.slice(0, -1), name);
  return path.join('src', dir === '.' ? '' : dir, name);
}

function sourceExists(source: string): boolean {
  return SOURCE_EXTENSIONS.some((ext) => fs.existsSync(path.join(root, source + ext)));
}

describe('unit tests mirror the source', () => {
  const tests = testFiles(unitDir).filter((file) => !file.startsWith(`repo${path.sep}`));

  it('finds the unit tests', () => {
    expect(tests.length).toBeGreaterThan(50);
  });

  it('every unit test outside test/unit/repo names a source file that exists', () => {
    const orphans = tests.filter((file) => !sourceExists(sourceOf(file))).map((file) => `test/unit/${file} → ${sourceOf(file)}.*`);
    expect(orphans).toEqual([]);
  });

  it('maps paths as laid out', () => {
    expect(sourceOf(path.join('core', 'parse-command.hostile.test.ts'))).toBe(path.join('src', 'core', 'parse-command'));
    expect(sourceOf(path.join('adapters', 'paced-chat.test.ts'))).toBe(path.join('src', 'adapters', 'paced-chat'));
    expect(sourceOf(path.join('config', 'load-config.test.ts'))).toBe(path.join('config', 'load-config'));
    expect(sourceOf(path.join('scripts', 'demo', 'state.test.ts'))).toBe(path.join('scripts', 'demo', 'state'));
    expect(sourceOf(path.join('srs-sim', 'daemon.test.ts'))).toBe(path.join('test', 'srs-sim', 'daemon'));
    expect(sourceOf(path.join('support', 'slack', 'slack-standin.test.ts'))).toBe(path.join('test', 'support', 'slack', 'slack-standin'));
  });
});
