import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * scripts/demo/install-check.sh, run in a scratch "checkout" with a stand-in `npm` on PATH that records its calls:
 * `npm ci` builds a complete node_modules (or fails, with FAKE_NPM_CI_FAIL=1); `npm ls` passes or fails on demand.
 */
const SCRIPT = path.resolve(__dirname, '../../../../scripts/demo/install-check.sh');
const ENTRY_POINTS = [
  'tsx/package.json',
  'tsx/dist/loader.mjs',
  '@slack/bolt/package.json',
  'bullmq/package.json',
  'ioredis/package.json',
  'node-ssh/package.json',
  'ssh2/package.json',
  'pino/package.json',
  'yaml/package.json',
  'zod/package.json',
];

let dir: string;
let bin: string;

function completeInstall(modules: string): void {
  for (const entry of ENTRY_POINTS) {
    fs.mkdirSync(path.dirname(path.join(modules, entry)), { recursive: true });
    fs.writeFileSync(path.join(modules, entry), '{}');
  }
  fs.writeFileSync(path.join(modules, '.package-lock.json'), '{}');
}

function lockHash(): string {
  return crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(dir, 'package-lock.json')))
    .digest('hex');
}

function run(env: Record<string, string> = {}): { code: number | null; stderr: string; calls: string[] } {
  const result = spawnSync('bash', [SCRIPT, dir], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, FAKE_NPM_LOG: path.join(dir, 'npm.log'), ...env },
    timeout: 30_000,
  });
  const log = path.join(dir, 'npm.log');
  const calls = fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => l !== '')
    : [];
  fs.rmSync(log, { force: true });
  return { code: result.status, stderr: result.stderr, calls };
}

const stampPath = (): string => path.join(dir, 'node_modules', '.srs-chatops-install-stamp');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-install-check-'));
  bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{"lockfileVersion":3,"name":"x"}\n');
  // The stand-in npm: `ci` removes node_modules and installs everything (the entry points and npm's own record).
  fs.writeFileSync(
    path.join(bin, 'npm'),
    [
      '#!/usr/bin/env bash',
      'echo "$*" >>"$FAKE_NPM_LOG"',
      'case "$1" in',
      '  ci)',
      '    [ "${FAKE_NPM_CI_FAIL:-}" = 1 ] && { echo "npm ERR! network" >&2; exit 1; }',
      '    rm -rf node_modules',
      ...ENTRY_POINTS.map((e) => `    mkdir -p "$(dirname node_modules/${e})" && echo '{}' > node_modules/${e}`),
      "    echo '{}' > node_modules/.package-lock.json ;;",
      '  ls) exit "${FAKE_NPM_LS_EXIT:-0}" ;;',
      'esac',
    ].join('\n') + '\n',
    { mode: 0o755 },
  );
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('demo install check (scripts/demo/install-check.sh)', () => {
  it('installs when there is no node_modules, and stamps the lock file hash', () => {
    const r = run();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(['ci', 'ls --all']); // the install, then the check that it is complete
    expect(fs.readFileSync(stampPath(), 'utf8').trim()).toBe(lockHash());
  });

  it('does nothing when the stamp matches the lock file and the entry points are there', () => {
    completeInstall(path.join(dir, 'node_modules'));
    fs.writeFileSync(stampPath(), `${lockHash()}\n`);
    const r = run();
    expect(r).toMatchObject({ code: 0, calls: [] });
  });

  it('repairs an interrupted npm ci: node_modules without stamp, with packages missing', () => {
    // What an interrupted `npm ci` leaves: some packages extracted, no record of a finished install, no stamp.
    fs.mkdirSync(path.join(dir, 'node_modules', 'tsx'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'tsx', 'package.json'), '{}');
    const r = run();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(['ci', 'ls --all']); // the install, then the check that it is complete
    expect(r.stderr).toMatch(/node_modules is incomplete \(an interrupted `npm ci`\?\).*tsx\/dist\/loader\.mjs is missing/);
    expect(fs.readFileSync(stampPath(), 'utf8').trim()).toBe(lockHash());
  });

  it('repairs an install whose files are all there but which npm ls finds broken', () => {
    completeInstall(path.join(dir, 'node_modules'));
    const r = run({ FAKE_NPM_LS_EXIT: '1' });
    expect(r.calls).toEqual(['ls --all', 'ci', 'ls --all']);
    expect(r.stderr).toMatch(/npm ls --all` finds missing or invalid packages/);
    // The stand-in's `ls` still fails after the reinstall: reported, no stamp.
    expect(r.code).toBe(1);
    expect(fs.existsSync(stampPath())).toBe(false);
  });

  it('adopts a complete install from before the stamp existed (npm ls passes): stamped, not reinstalled', () => {
    completeInstall(path.join(dir, 'node_modules'));
    const r = run();
    expect(r).toMatchObject({ code: 0, calls: ['ls --all'] });
    expect(fs.readFileSync(stampPath(), 'utf8').trim()).toBe(lockHash());
  });

  it('reinstalls when package-lock.json changed since the stamp', () => {
    completeInstall(path.join(dir, 'node_modules'));
    fs.writeFileSync(stampPath(), 'an-older-lock-hash\n');
    const r = run();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(['ci', 'ls --all']); // the install, then the check that it is complete
    expect(r.stderr).toMatch(/package-lock.json changed/);
    expect(fs.readFileSync(stampPath(), 'utf8').trim()).toBe(lockHash());
  });

  it('says what to do when npm ci fails, and writes no stamp (the next run tries again)', () => {
    const r = run({ FAKE_NPM_CI_FAIL: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/`npm ci` failed .*run `npm run demo` again/);
    expect(fs.existsSync(stampPath())).toBe(false);
  });

  it('never reinstalls a shared (symlinked) node_modules: reports it with the command to run where it lives', () => {
    const shared = path.join(dir, 'shared', 'node_modules');
    fs.mkdirSync(shared, { recursive: true });
    fs.symlinkSync(shared, path.join(dir, 'node_modules'));
    const r = run();
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([]);
    expect(r.stderr).toMatch(/symlink to .*shared\/node_modules.*incomplete/);
    expect(r.stderr).toMatch(/npm ci/);
    completeInstall(shared);
    expect(run()).toMatchObject({ code: 0, calls: ['ls --all'] });
  });
});
