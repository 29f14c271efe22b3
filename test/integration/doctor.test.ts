import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load-config';
import { runDoctor } from '../../src/cli/doctor/run-doctor';
import { assertHostsPinned } from '../../src/adapters/ssh/pinned-hosts';
import type { FleetHost } from '../support/fleet';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';

async function doctor(doc: Record<string, unknown>, args: string[] = []): Promise<{ code: number; out: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
  const file = path.join(dir, 'srs-chatops.yml');
  fs.writeFileSync(file, stringify(doc));
  let out = '';
  const sink = { write: (t: string) => ((out += t), true) } as unknown as NodeJS.WritableStream;
  const code = await runDoctor(args, { SRS_CHATOPS_CONFIG: file, REDIS_URL: getTestRun().redisUrl, LOG_LEVEL: 'silent' }, sink);
  return { code, out };
}

const row = (out: string, host: string, check: string) =>
  out.split('\n').find((l) => l.startsWith(`${host} `) && l.includes(` ${check} `)) ?? '';

describe('srs-chatops doctor on real hosts', () => {
  let initd: FleetHost;
  let sd: FleetHost;

  beforeAll(async () => {
    [initd] = (await claimHosts(1, { serviceManager: 'initd', version: '6.0.184' })) as [FleetHost];
    [sd] = (await claimHosts(1, { serviceManager: 'systemd' })) as [FleetHost];
  });
  afterAll(async () => {
    for (const h of [initd, sd]) await getTestRun().fleet.resetHost(h.name);
    releaseHosts([initd, sd]);
  });

  const doc = () => getTestRun().fleet.toConfigObject({ hostNames: [initd.name, sd.name] });

  it('a host installed as SRS documents it passes every check', async () => {
    const { code, out } = await doctor(doc());
    expect(out).toContain('doctor: everything checked is fine');
    expect(code).toBe(0);
    for (const check of ['ssh', 'srs root', 'binary', 'config test', 'script ROOT', 'init.d link']) {
      expect(row(out, initd.name, check)).toMatch(/ ok /);
      expect(row(out, sd.name, check)).toMatch(/ ok /);
    }
    expect(row(out, initd.name, 'init.d registered')).toMatch(/ ok /);
    expect(row(out, sd.name, 'systemd unit')).toMatch(/ ok /);
    expect(row(out, sd.name, 'systemd enabled')).toMatch(/ ok .*is-enabled: enabled/);
    expect(row(out, '-', 'redis persistence')).toMatch(/WARN .*appendonly no/);
  });

  it('names each installation problem with its exact fix, and exits non-zero', async () => {
    fs.rmSync(initd.initdLink);
    for (const d of ['rc2.d', 'rc3.d', 'rc4.d', 'rc5.d']) fs.rmSync(path.join(initd.rcRoot, d), { recursive: true, force: true });
    fs.rmSync(path.join(sd.systemdUnitDir, 'srs.service'));
    const script = fs.readFileSync(initd.initScript, 'utf8');
    fs.writeFileSync(initd.initScript, script.replace(/^ROOT=.*$/m, 'ROOT="./"'));
    const { code, out } = await doctor(doc());
    expect(code).toBe(1);
    expect(row(out, initd.name, 'init.d link')).toMatch(
      new RegExp(`PROBLEM .*sudo ln -sf ${initd.root}/etc/init.d/srs ${initd.initdLink}`),
    );
    expect(row(out, initd.name, 'init.d registered')).toMatch(/PROBLEM .*sudo update-rc.d srs defaults/);
    expect(row(out, initd.name, 'script ROOT')).toMatch(new RegExp(`PROBLEM .*ROOT="\\./".*set ROOT="${initd.root}"`));
    expect(row(out, sd.name, 'systemd unit')).toMatch(
      new RegExp(`PROBLEM .*sudo cp -f ${sd.root}/usr/lib/systemd/system/srs.service ${sd.systemdUnitDir}/srs.service`),
    );
    expect(out).toMatch(/doctor: \d+ problems; apply the fixes above/);
  });

  it("an AddressSanitizer build passes the config test (leak report off); a broken config is a PROBLEM quoting SRS's own error", async () => {
    const [asan] = (await claimHosts(1, { asan: true })) as [FleetHost];
    try {
      const d = getTestRun().fleet.toConfigObject({ hostNames: [asan.name] });
      const ok = await doctor(d);
      expect(row(ok.out, asan.name, 'config test')).toMatch(/ ok .*test is successful/);
      const good = fs.readFileSync(asan.config, 'utf8');
      fs.appendFileSync(asan.config, '\nvhost broken.example.com {\n    # missing closing brace\n');
      try {
        const bad = await doctor(d);
        expect(bad.code).toBe(1);
        expect(row(bad.out, asan.name, 'config test')).toMatch(/PROBLEM +invalid config.*ASAN_OPTIONS=detect_leaks=0 \.\/objs\/srs -t -c/);
      } finally {
        fs.writeFileSync(asan.config, good);
      }
    } finally {
      await getTestRun().fleet.resetHost(asan.name);
      releaseHosts([asan]);
    }
  });

  it('an unpinned host is refused (worker start too) until --trust-new pins it; a changed key stays refused', async () => {
    const fleet = getTestRun().fleet;
    const kh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kh-')), 'known_hosts');
    fs.writeFileSync(
      kh,
      fs
        .readFileSync(fleet.knownHostsPath, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith(`[127.0.0.1]:${initd.sshPort} `))
        .join('\n'),
    );
    const d = doc();
    (d.ssh as Record<string, unknown>).knownHostsPath = kh;
    const config = parseConfig(d, 't');
    expect(() => assertHostsPinned(config)).toThrow(
      new RegExp(`no pinned host key .* ${initd.name} \\(\\[127\\.0\\.0\\.1\\]:${initd.sshPort}\\).*doctor --trust-new`),
    );
    const before = await doctor(d);
    expect(before.code).toBe(1);
    expect(row(before.out, initd.name, 'ssh')).toMatch(/PROBLEM .*not in known_hosts/);

    const trusted = await doctor(d, ['--trust-new']);
    expect(trusted.out).toMatch(
      new RegExp(
        `trusted on first use: ${initd.name} \\[127\\.0\\.0\\.1\\]:${initd.sshPort} ssh-ed25519 SHA256:\\S+ .*verify this fingerprint out of band`,
      ),
    );
    expect(() => assertHostsPinned(config)).not.toThrow();
    const pinned = fs
      .readFileSync(kh, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`[127.0.0.1]:${initd.sshPort} `));
    const real = fs
      .readFileSync(fleet.knownHostsPath, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`[127.0.0.1]:${initd.sshPort} `));
    expect(pinned).toBe(real);

    await fleet.rotateHostKey(sd.name);
    const changed = await doctor(d, ['--trust-new']);
    expect(row(changed.out, sd.name, 'ssh')).toMatch(/PROBLEM .*has CHANGED/);
    expect(changed.out).not.toMatch(new RegExp(`trusted on first use: ${sd.name}`));
  });
});
