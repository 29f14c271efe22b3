import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../../../config/load-config';
import { assessLayout } from '../../../../src/cli/doctor/assess-layout';
import { judgeConfigTest } from '../../../../src/worker/srs/config-test';
import { CONFIG_TEST_SCRIPT, DOCTOR_SCRIPT, scriptArgv } from '../../../../src/worker/srs/remote-scripts';

// What the real 6.0.157 builds print (observed; see docs/srs-contract.md section 8).
const OK_LINES = [
  '[2026-12-07 01:53:11.237][INFO][20647][m50339j3] the config file conf/srs.conf syntax is ok',
  '[2026-12-07 01:53:11.237][INFO][20647][m50339j3] config file conf/srs.conf test is successful',
];
const LEAKS = [
  '',
  '=================================================================',
  '==20647==ERROR: LeakSanitizer: detected memory leaks',
  '',
  'SUMMARY: AddressSanitizer: 247 byte(s) leaked in 4 allocation(s).',
];
const BAD_LINES = [
  '[2026-12-07 01:53:11.350][INFO][20673][j13i90a1] XCORE-SRS/6.0.157(Hang)',
  "[2026-12-07 01:53:11.351][INFO][20673][j13i90a1] invalid configcode=1023(ConfigInvalid) : parse buffer conf/srs.conf : root parse : parse dir : read token, line=24, state=0 : line 24: unexpected '}' in conf/srs.conf",
  '[2026-12-07 01:53:11.351][INFO][20673][j13i90a1] config file conf/srs.conf test is failed',
];

/**
 * A root whose `objs/srs -t` behaves like an AddressSanitizer build of SRS: the test's own lines, then, unless
 * ASAN_OPTIONS turns leak detection off, a LeakSanitizer report and exit 1. It logs the ASAN_OPTIONS it got.
 */
function asanRoot(broken: boolean): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'asan-root-'));
  fs.mkdirSync(path.join(root, 'objs'));
  fs.mkdirSync(path.join(root, 'conf'));
  fs.writeFileSync(path.join(root, 'conf/srs.conf'), 'listen 1935;\n');
  const lines = (broken ? BAD_LINES : OK_LINES).map((l) => `printf '%s\\n' "${l.replace(/"/g, '\\"')}"`).join('\n');
  const leaks = LEAKS.map((l) => `printf '%s\\n' "${l}" >&2`).join('\n');
  fs.writeFileSync(
    path.join(root, 'objs/srs'),
    `#!/bin/sh\necho "$ASAN_OPTIONS" > "$(dirname "$0")/asan-options"\n${lines}\ncase ":$ASAN_OPTIONS:" in *:detect_leaks=0:*) ;; *) ${leaks.replace(/\n/g, '; ')}; exit 1 ;; esac\n${broken ? 'exit 255' : 'exit 0'}\n`,
    { mode: 0o755 },
  );
  return root;
}

function sh(script: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; out: string } {
  const [cmd, ...rest] = scriptArgv(script, 'srs-test', args);
  const r = spawnSync(cmd as string, rest, { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("SRS's config test", () => {
  it("is judged by `test is successful` with exit 0; a failure quotes SRS's own error line", () => {
    expect(judgeConfigTest(0, OK_LINES.join('\n'))).toEqual({ ok: true, line: 'config file conf/srs.conf test is successful' });
    expect(judgeConfigTest(255, BAD_LINES.join('\n'))).toEqual({
      ok: false,
      line: "invalid configcode=1023(ConfigInvalid) : parse buffer conf/srs.conf : root parse : parse dir : read token, line=24, state=0 : line 24: unexpected '}' in conf/srs.conf",
    });
    expect(judgeConfigTest(1, [...OK_LINES, ...LEAKS].join('\n'))).toEqual({
      ok: false,
      line: 'config file conf/srs.conf test is successful, but srs -t exited 1',
    });
  });

  it('runs with leak detection off, keeping the ASAN_OPTIONS already set: an ASan build passes', () => {
    const root = asanRoot(false);
    const plain = sh(CONFIG_TEST_SCRIPT, [root, 'conf/srs.conf']);
    expect(plain.code).toBe(0);
    expect(judgeConfigTest(plain.code, plain.out).ok).toBe(true);
    expect(fs.readFileSync(path.join(root, 'objs/asan-options'), 'utf8').trim()).toBe('detect_leaks=0');
    const kept = sh(CONFIG_TEST_SCRIPT, [root, 'conf/srs.conf'], { ASAN_OPTIONS: 'abort_on_error=1:detect_leaks=1' });
    expect(kept.code).toBe(0);
    expect(fs.readFileSync(path.join(root, 'objs/asan-options'), 'utf8').trim()).toBe('abort_on_error=1:detect_leaks=1:detect_leaks=0');
  });

  it("a broken config on an ASan build is still refused, with SRS's error line", () => {
    const root = asanRoot(true);
    const r = sh(CONFIG_TEST_SCRIPT, [root, 'conf/srs.conf']);
    expect(r.code).toBe(255);
    const verdict = judgeConfigTest(r.code, r.out);
    expect(verdict.ok).toBe(false);
    expect(verdict.line).toMatch(/^invalid configcode=1023\(ConfigInvalid\).*line 24: unexpected '\}'/);
  });

  it('doctor: an ASan build passes the config test; a broken config is a problem quoting SRS', () => {
    const config = parseConfig(
      { ssh: { user: 'u', privateKeyPath: '/k', knownHostsPath: '/kh' }, hosts: [{ name: 'edge-1', address: '127.0.0.1' }] },
      't',
    );
    const host = config.hosts[0];
    if (!host) throw new Error('no host');
    const check = (root: string) => {
      const out = execFileSync(
        'sh',
        [
          '-c',
          DOCTOR_SCRIPT,
          'srs-doctor',
          root,
          'conf/srs.conf',
          '/nonexistent/link',
          '/nonexistent',
          '/nonexistent',
          'systemctl',
          'initd',
        ],
        { encoding: 'utf8' },
      );
      return assessLayout({ ...host, srsRoot: root }, out).find((f) => f.check === 'config test');
    };
    expect(check(asanRoot(false))).toMatchObject({ ok: true, detail: 'config file conf/srs.conf test is successful' });
    const broken = check(asanRoot(true));
    expect(broken?.ok).toBe(false);
    expect(broken?.detail).toMatch(/^invalid configcode=1023\(ConfigInvalid\)/);
  });
});
