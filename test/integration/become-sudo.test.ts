/**
 * `become: sudo` end to end: the SSH login is a non-root user (srsops18) whose ONLY sudo rule is
 * `srsops18 ALL=(root) NOPASSWD: HELPER, INSTALL...` (checked with visudo -cf). SRS roots are root-owned and SRS runs as
 * root, started through the helper. The whole verb suite, restart --graceful, a grace with live viewers draining (and
 * one forced off through the helper's signal), an upgrade step, the rule's narrowness and doctor's checkSudo, on real
 * sshd and real sudo. Needs root (CI runs as root): it throws otherwise, never skips.
 */
import fs from 'node:fs';
import { checkSudo } from '../../src/cli/doctor/check-sudo';
import type { ExecResult } from '../../src/ports/host-port';
import { runVerb } from '../../src/worker/verbs/run-verb';
import { memoryGraceJob, memoryUpgradeJob } from '../support/become/memory-jobs';
import { launchBecomeFleet, SIM_INSTALL, type BecomeFleet } from '../support/become/become-fleet';
import { SimMediaDriver } from '../support/media/sim-media-driver';
import { publishPackage } from '../srs-sim/install';

jest.setTimeout(180000);

const USER = 'srsops18';
const driver = new SimMediaDriver();
let bf: BecomeFleet;

/** Runs an argv on a host over SSH, as the login user. */
function asLogin(host: string, argv: string[]): Promise<ExecResult> {
  const ctx = bf.ctx(host);
  return ctx.ssh.exec(ctx.target, { argv, timeoutMs: 15000 });
}

/** The uid a local process runs as (the fleet runs on this machine). */
function uidOf(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

/** A command line as sent (each argument single-quoted by the SSH adapter), without the quotes. */
function unquoted(line: string): string {
  return line.replaceAll("'", '');
}

const b01 = 'b01';
const b02 = 'b02';
const b03 = 'b03';
const b04 = 'b04';

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('become-sudo needs root: it creates a user and a sudoers drop-in (CI runs as root)');
  bf = await launchBecomeFleet({
    name: 'i18-become',
    user: USER,
    hosts: [
      ...[b01, b02, b03].map((name) => ({ name, version: '6.0.184', graceStartWaitMs: 300, graceFinalWaitMs: 300 })),
      { name: b04, version: '6.0.184', serviceManager: 'systemd' as const },
    ],
    extra: { grace: { deadlineMs: 60000, pollMs: 300, killMarginMs: 1000 }, worker: { startSettleMs: 800 } },
  });
});

afterAll(async () => {
  await driver.closeAll();
  await bf?.stop();
});

describe('a non-root login with only the narrow rule', () => {
  it('logs in as the non-root user; sudo refuses kill, a shell and anything but the helper and the installer', async () => {
    const id = await asLogin(b01, ['id', '-un']);
    expect(id.stdout.trim()).toBe(USER);
    for (const argv of [
      ['sudo', '-n', '/bin/kill', '1'],
      ['sudo', '-n', '/bin/sh', '-c', 'id'],
      ['sudo', '-n', '-s'],
      ['sudo', '-n', 'id'],
    ]) {
      const r = await asLogin(b01, argv);
      expect({ argv, code: r.code, said: /is not allowed to|password is required/.test(r.stderr) }).toEqual({ argv, code: 1, said: true });
    }
  });

  it('the whole verb suite runs through the helper; SRS runs as root', async () => {
    const ctx = bf.ctx(b01);
    const from = bf.sent.length;
    expect((await runVerb(ctx, 'status')).after.state).toBe('stopped');
    const start = await runVerb(ctx, 'start');
    expect(start).toMatchObject({ outcome: 'ok', after: { state: 'running', apiUp: true } });
    const pid = start.after.pid ?? 0;
    expect(uidOf(pid)).toBe(0);
    const status = await runVerb(ctx, 'status');
    expect(status).toMatchObject({ outcome: 'ok', after: { state: 'running', pid, version: '6.0.184' } });
    // ss names no process for root's sockets to this login: SRS's listeners are still SRS's, not "another program".
    expect(status.after.portHolders).toBeUndefined();
    expect(start.summary).not.toMatch(/held by/);
    expect(await runVerb(ctx, 'reload')).toMatchObject({ outcome: 'ok' });
    expect(await runVerb(ctx, 'rotate')).toMatchObject({ outcome: 'ok' });
    const restart = await runVerb(ctx, 'restart');
    expect(restart).toMatchObject({ outcome: 'ok', after: { state: 'running' } });
    expect(restart.after.pid).not.toBe(pid);
    const grace = await runVerb(ctx, 'grace');
    expect(grace.outcome).toBe('ok');
    expect(grace.summary).toMatch(/graceful quit started/);
    for (let i = 0; i < 60 && (await runVerb(ctx, 'status')).after.state === 'running'; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await runVerb(ctx, 'start')).toMatchObject({ outcome: 'ok', after: { state: 'running' } });
    expect(await runVerb(ctx, 'stop')).toMatchObject({ outcome: 'ok' });
    expect((await runVerb(ctx, 'status')).after.state).not.toBe('running');

    const lines = bf.sent
      .slice(from)
      .filter((s) => s.host === b01)
      .map((s) => unquoted(s.line));
    // init.d hosts restart as stop + start (the worker confirms each).
    for (const verb of ['start', 'stop', 'reload', 'rotate', 'grace'])
      expect(lines.some((l) => l.includes(`sudo -n ${bf.helper.helper} service ${ctx.hostConfig.srsRoot} ${verb}`))).toBe(true);
    expect(lines.some((l) => l.includes(`sudo -n ${bf.helper.helper} config-test`))).toBe(true);
    // The init.d script is never run unprivileged, and nothing else goes through sudo.
    expect(lines.filter((l) => l.includes('sudo') && !l.includes(bf.helper.helper))).toEqual([]);
  });

  it("a systemd host: start, reload, restart and stop through the helper's systemctl; rotate through init.d", async () => {
    const ctx = bf.ctx(b04);
    const helper = ctx.hostConfig.system.helper;
    const from = bf.sent.length;
    const start = await runVerb(ctx, 'start');
    expect(start).toMatchObject({ outcome: 'ok', after: { state: 'running', apiUp: true } });
    expect(uidOf(start.after.pid ?? 0)).toBe(0);
    expect(await runVerb(ctx, 'reload')).toMatchObject({ outcome: 'ok' });
    expect(await runVerb(ctx, 'rotate')).toMatchObject({ outcome: 'ok' });
    const restart = await runVerb(ctx, 'restart');
    expect(restart).toMatchObject({ outcome: 'ok', after: { state: 'running' } });
    expect(restart.after.pid).not.toBe(start.after.pid);
    expect(await runVerb(ctx, 'stop')).toMatchObject({ outcome: 'ok' });
    const lines = bf.sent
      .slice(from)
      .filter((s) => s.host === b04)
      .map((s) => unquoted(s.line));
    for (const action of ['start', 'reload', 'restart', 'stop'])
      expect(lines.some((l) => l.includes(`sudo -n ${helper} systemctl ${action}`))).toBe(true);
    expect(lines.some((l) => l.includes(`sudo -n ${helper} service ${ctx.hostConfig.srsRoot} rotate`))).toBe(true);
  });

  it('restart --graceful: drained, a new SRS started, as root through the helper', async () => {
    const ctx = bf.ctx(b02);
    expect((await runVerb(ctx, 'start')).outcome).toBe('ok');
    const r = await runVerb(bf.ctx(b02, { grace: memoryGraceJob(bf.config, { graceful: true }) }), 'restart');
    expect(r).toMatchObject({ outcome: 'ok', after: { state: 'running', apiUp: true } });
    expect(r.before.pid).not.toBe(r.after.pid);
    expect(uidOf(r.after.pid ?? 0)).toBe(0);
  });

  it('grace with live viewers: they drain, one stayer is forced off by SIGINT through the helper', async () => {
    const host = bf.fleet.host(b02);
    const leaving = await Promise.all([1, 2, 3].map((i) => driver.connect(host, { kind: 'play', leaveAfterMs: 1500 + i * 700 })));
    const stayer = await driver.connect(host, { kind: 'play' });
    const job = memoryGraceJob(bf.config, { confirmed: true });
    const ctx = bf.ctx(b02, { grace: job });
    const running = await runVerb(bf.ctx(b02), 'status');
    expect(running.after.clients).toBe(4);
    // Force once the three leavers are gone: the helper's signal subcommand sends SIGINT to the verified pid.
    const forceWhenOneLeft = (async () => {
      await Promise.all(leaving.map((c) => c.closed));
      job.decisions.push('force');
    })();
    const r = await runVerb(ctx, 'grace');
    await forceWhenOneLeft;
    expect(r.outcome).toBe('ok');
    expect(r.evidence.join('\n')).toMatch(/force quit: SIGINT by U0BECOME1 \(sent=INT; 1 client forced off\)/);
    expect(job.milestones.map((m) => m.milestone)).toContain('escalated');
    await stayer.closed;
    expect(bf.sent.some((s) => s.host === b02 && unquoted(s.line).includes(`${bf.helper.helper} signal ${host.root}`))).toBe(true);
    expect(bf.sent.some((s) => s.host === b02 && unquoted(s.line).includes(`${bf.helper.helper} grace-env ${host.root}`))).toBe(true);
  });

  it('an upgrade step: the install command through sudo -n --, then a graceful restart on the new version', async () => {
    const host = bf.fleet.host(b03);
    publishPackage(host.hostDir, '6.0.185');
    expect((await runVerb(bf.ctx(b03), 'start')).outcome).toBe('ok');
    const options = {
      version: '6.0.185',
      from: '6.0.184',
      rollback: false,
      healthTimeoutMs: 15000,
      planHash: 'a'.repeat(64),
      forceAtDeadline: true,
      install: SIM_INSTALL,
    };
    const upgrade = memoryUpgradeJob(options);
    const ctx = bf.ctx(b03, { grace: memoryGraceJob(bf.config, { upgrade: options }, true), upgrade });
    const r = await runVerb(ctx, 'upgrade');
    expect(r).toMatchObject({ outcome: 'ok', after: { state: 'running', version: '6.0.185' } });
    expect(uidOf(r.after.pid ?? 0)).toBe(0);
    const install = bf.sent.filter((s) => s.host === b03 && s.line.includes('srs-install')).map((s) => unquoted(s.line));
    expect(install).toHaveLength(1);
    expect(install[0]).toBe(`timeout -k 2 60 sudo -n -- ${host.root}/../bin/srs-install 6.0.185 --root ${host.root}`);
  });

  it("the helper refuses to signal the login's own process, sshd, or a pid not in the pid file", async () => {
    const host = bf.fleet.host(b03);
    const pid = Number(fs.readFileSync(host.pidFile, 'utf8').trim());
    const own = await asLogin(b03, ['sh', '-c', `sleep 30 & p=$!; sudo -n ${bf.helper.helper} signal ${host.root} $p KILL; kill $p`]);
    expect(own.stdout).toContain('refused=not_srs');
    const sshd = await asLogin(b03, ['sudo', '-n', bf.helper.helper, 'signal', host.root, String(host.sshdPid), 'KILL']);
    expect(sshd.stdout).toContain('refused=not_srs');
    const quit = await asLogin(b03, ['sudo', '-n', bf.helper.helper, 'signal', host.root, String(pid), 'QUIT']);
    expect(quit.stdout).toContain('refused=bad_signal');
    const other = await asLogin(b03, ['sudo', '-n', bf.helper.helper, 'service', bf.fleet.host(b01).hostDir, 'start']);
    expect(other.stdout).toContain('refused=root_not_allowed');
    expect(fs.existsSync(`/proc/${host.sshdPid}`)).toBe(true);
  });
});

describe("doctor's checkSudo on real sudo", () => {
  const status = (f: Awaited<ReturnType<typeof checkSudo>>) =>
    Object.fromEntries(f.map((x) => [x.check, x.ok ? 'ok' : x.warnOnly ? 'WARN' : 'PROBLEM']));
  const hostOf = (name: string) => {
    const h = bf.config.hosts.find((x) => x.name === name);
    if (h === undefined) throw new Error(`no host ${name}`);
    return h;
  };
  afterEach(async () => {
    await bf.sudoers.write(bf.narrowRule);
  });

  it('passes the narrow rule', async () => {
    const f = await checkSudo(bf.ssh, bf.config, hostOf(b01));
    expect(status(f)).toEqual({ 'sudo rule': 'ok', 'sudo helper': 'ok', 'sudo install': 'ok' });
  });

  it('flags a rule with ALL as too wide, with the snippet for this host', async () => {
    await bf.sudoers.write(`${bf.narrowRule}\n${USER} ALL=(ALL) NOPASSWD: ALL`);
    const f = await checkSudo(bf.ssh, bf.config, hostOf(b01));
    const rule = f.find((x) => x.check === 'sudo rule');
    expect(rule?.ok).toBe(false);
    expect(rule?.detail).toMatch(/too wide: .*ALL commands/);
    expect(rule?.fix).toContain(`${USER} ALL=(root) NOPASSWD: ${bf.helper.helper}, ${bf.fleet.host(b01).root}/../bin/srs-install`);
  });

  it('flags a missing rule with the snippet, and a verb then fails naming the host and doctor', async () => {
    bf.sudoers.remove();
    const f = await checkSudo(bf.ssh, bf.config, hostOf(b01));
    expect(status(f)).toEqual({ 'sudo rule': 'PROBLEM' });
    expect(f[0]?.fix).toContain(`echo ${bf.fleet.host(b01).root} >> /etc/srs-chatops/helper-roots`);
    const r = await runVerb(bf.ctx(b01), 'start');
    expect(r.outcome).toBe('failed');
    expect(r.summary).toMatch(/^sudo refused on b01: .*run `srs-chatops doctor` on the bot host for the exact sudoers snippet$/);
  });
});
