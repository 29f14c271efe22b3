import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pkg from '../../package.json';

const root = path.join(__dirname, '..', '..');

interface PackResult {
  files: Array<{ path: string; mode: number }>;
  entryCount: number;
}

/** What `npm pack` would put in the tarball. It runs prepack: a clean build (~20 s). */
function dryRunPack(): PackResult {
  const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
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
    for (const file of ['package.json', 'README.md', 'LICENSE', 'config/example.yml', 'dist/src/cli/main.js', 'dist/workers/main.js', 'dist/config/load-config.js', 'docs/RUNBOOK.md', 'deploy/systemd/srs-chatops-bot.service', 'Dockerfile', 'docker-compose.yml', 'slack-app-manifest.yml', '.env.example']) {
      expect(paths).toContain(file);
    }
  });

  it('holds nothing else: no tests, benches, dev scripts, TypeScript sources or source maps', () => {
    const allowed = /^(dist\/(src|workers|config)\/.+\.js|config\/example\.yml|deploy\/.+|docs\/.+|Dockerfile|docker-compose\.yml|slack-app-manifest\.yml|\.env\.example|README\.md|LICENSE|package\.json)$/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    expect(paths.filter((p) => /^(test|bench|scripts|src|workers)\/|^dist\/(test|bench|scripts)\/|\.ts$|\.map$/.test(p))).toEqual([]);
    expect(pack.entryCount).toBeLessThan(400);
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
