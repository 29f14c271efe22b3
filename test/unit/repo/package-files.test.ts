import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pkg from '../../../package.json';

const root = path.join(__dirname, '..', '..', '..');
/** The Redis Lua scripts (src/adapters/redis/lua/load-lua.ts reads them), and where the build puts them. */
const luaSrc = path.join(root, 'src', 'adapters', 'redis', 'lua');
const luaDist = 'dist/src/adapters/redis/lua';

interface PackResult {
  files: Array<{ path: string; mode: number }>;
  entryCount: number;
}

/** What `npm pack` would put in the tarball. It runs prepack: a clean build (~20 s). */
function dryRunPack(): PackResult {
  const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
  const [result] = JSON.parse(json) as PackResult[];
  if (!result) throw new Error(`npm pack printed no result: ${json}`);
  return result;
}

describe('the npm package (npm pack)', () => {
  let pack: PackResult;
  let paths: string[];
  beforeAll(() => {
    pack = dryRunPack();
    paths = pack.files.map((f) => f.path);
  }, 180_000);

  it('holds the built program, the example config, the deployment files, the docs, README and LICENSE', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'config/example.yml',
      'dist/src/cli/main.js',
      'dist/workers/main.js',
      'dist/config/load-config.js',
      'docs/RUNBOOK.md',
      'deploy/systemd/srs-chatops-bot.service',
      'Dockerfile',
      'docker-compose.yml',
      'slack-app-manifest.yml',
      '.env.example',
    ]) {
      expect(paths).toContain(file);
    }
  });

  it('holds nothing else: no tests, benches, dev scripts, TypeScript sources or source maps', () => {
    const allowed =
      /^(dist\/(src|workers|config)\/.+\.js|dist\/src\/adapters\/redis\/lua\/[a-z0-9-]+\.lua|config\/example\.yml|deploy\/.+|docs\/.+|Dockerfile|docker-compose\.yml|slack-app-manifest\.yml|\.env\.example|README\.md|LICENSE|package\.json)$/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    expect(paths.filter((p) => /^(test|bench|scripts|src|workers)\/|^dist\/(test|bench|scripts)\/|\.ts$|\.map$/.test(p))).toEqual([]);
    // A sanity bound (a stray node_modules or build tree would add thousands): the built sources, Lua, docs and deploy files.
    expect(pack.entryCount).toBeLessThan(600);
  });

  it('holds every Redis Lua script, next to the built loader, which loads each of them from dist/', () => {
    const names = fs
      .readdirSync(luaSrc)
      .filter((f) => f.endsWith('.lua'))
      .sort();
    expect(names.length).toBeGreaterThan(0);
    expect(paths).toContain(`${luaDist}/load-lua.js`);
    for (const name of names) {
      expect(paths).toContain(`${luaDist}/${name}`);
      expect(fs.readFileSync(path.join(root, luaDist, name))).toEqual(fs.readFileSync(path.join(luaSrc, name)));
    }
    expect(paths.filter((p) => p.endsWith('.lua')).sort()).toEqual(names.map((n) => `${luaDist}/${n}`));
    // The built loader, run by node as the installed program runs it: it finds and reads each script under dist/.
    const loaded = execFileSync(
      process.execPath,
      [
        '-e',
        `const { loadLua, luaNames, LUA_DIR } = require('./${luaDist}/load-lua.js'); console.log(JSON.stringify({ dir: LUA_DIR, shas: luaNames().map((n) => loadLua(n).sha1) }));`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const { dir, shas } = JSON.parse(loaded) as { dir: string; shas: string[] };
    expect(dir).toBe(path.join(root, luaDist));
    expect(shas).toEqual(
      names.map((n) =>
        createHash('sha1')
          .update(fs.readFileSync(path.join(luaSrc, n)))
          .digest('hex'),
      ),
    );
  });

  it('bin: a built file that starts with a shebang and is executable in the tarball', () => {
    const bin = pkg.bin['srs-chatops'];
    const entry = pack.files.find((f) => f.path === bin);
    expect(entry).toBeDefined();
    expect((entry?.mode ?? 0) & 0o111).toBe(0o111);
    expect(fs.readFileSync(path.join(root, bin), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(pkg.scripts.prepack).toBeDefined();
  });
});

describe('supported Node.js versions', () => {
  const majors = [...pkg.engines.node.matchAll(/\^(\d+)\./g)].map((m) => Number(m[1]));

  it('engines names LTS lines only, and the Dockerfile runs one of them (not an end-of-life one)', () => {
    expect(majors.length).toBeGreaterThan(0);
    expect(majors.every((m) => m % 2 === 0)).toBe(true);
    const from = [...fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8').matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(from).toHaveLength(2);
    for (const major of from) {
      expect(majors).toContain(major);
      expect(major).toBeGreaterThan(20); // Node 20 reached its end of life in April 2026
    }
  });

  it('this Node is one of them', () => {
    expect(majors).toContain(Number(/^v(\d+)\./.exec(process.version)?.[1]));
  });

  it('LICENSE: MIT, as package.json says', () => {
    expect(pkg.license).toBe('MIT');
    expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the srs-chatops authors\n/);
  });
});
