import fs from 'node:fs';
import path from 'node:path';
import type { FleetHost } from '../support/fleet';
import { CHANNEL, findButton, requestIdOf, startBotHarness, USERS, type BotHarness } from '../support/bot-harness';
import type { SlackMessage } from '../support/slack/standin-types';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { pidAlive } from '../support/worker-harness';
import { publishPackage } from '../srs-sim/install';
import { reconnectingClient, type ReconnectingClient } from '../srs-sim/media-client';

const APPROVER = 'U0APPR001';
const pidOf = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());

/**
 * Rolling upgrades through the real path: signed slash command -> plan (survey over real sshd) -> approval card ->
 * signed button press -> batches of upgrade jobs (install command on the host, graceful restart, checks) -> halts.
 */
describe('rolling upgrades (real sshd, simulator, Redis, Slack stand-in)', () => {
  let hosts: FleetHost[];
  let b: BotHarness;
  let publishers: ReconnectingClient[] = [];
  const DB = 17;
  const name = (i: number) => `edge-${i + 1}`;

  beforeAll(async () => {
    hosts = await claimHosts(6, { serviceManager: 'initd', version: '6.0.184' });
    const rename = Object.fromEntries(hosts.map((h, i) => [h.name, name(i)]));
    const hostExtra = Object.fromEntries(hosts.map((h) => [h.name, { groups: ['edges'] }]));
    b = await startBotHarness(hosts, DB, {
      rename,
      hostExtra,
      extra: {
        approvals: { approvers: { all: [APPROVER] } },
        upgrade: {
          install: ['{root}/../bin/slow-install', '{version}', '--root', '{root}'],
          batchSize: 2,
          healthTimeoutMs: 6000,
          deadlineMs: 1500,
        },
        grace: { deadlineMs: 60000, pollMs: 300 },
      },
    });
  });
  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await b.close();
    releaseHosts(hosts);
  });
  beforeEach(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await Promise.all(hosts.map((h) => getTestRun().fleet.resetHost(h.name)));
    for (const h of hosts) {
      // The install command the plan approves: the simulator's, slowed down on demand (a marker file) so that a
      // test can act while a host is installing.
      const bin = path.join(h.hostDir, 'usr/local/bin');
      fs.writeFileSync(
        path.join(bin, 'slow-install'),
        `#!/bin/sh\nd=$(dirname "$0")\n[ -f "$d/slow-install.on" ] && sleep 6\nexec "$d/srs-install" "$@"\n`,
        { mode: 0o755 },
      );
      publishPackage(h.hostDir, '6.0.185');
      publishPackage(h.hostDir, '6.0.186', { broken: 'no-streams' });
      publishPackage(h.hostDir, '6.0.187', { broken: 'no-start' });
    }
    // One encoder per host that reconnects after a restart, as real ones do: "streams back" is checkable.
    publishers = hosts.map((h) => reconnectingClient({ port: h.ports.rtmp, kind: 'publish', stream: 'live/cam', reconnectMs: 300 }));
    await Promise.all(publishers.map((p) => p.waitConnected(10000)));
  });

  const thread = (parent: SlackMessage) => b.standin.thread(CHANNEL, parent.ts);
  const parentOf = (id: string) => b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000, `parent of ${id}`);
  const card = (parent: SlackMessage) =>
    b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('asks to upgrade')), 30000, 'plan card');
  const status = (parent: SlackMessage) => thread(parent).find((m) => m.text.startsWith('*Rollout'));
  const ended = (parent: SlackMessage, word: RegExp, timeoutMs = 90000) =>
    b.standin.waitFor(() => thread(parent).find((m) => word.test(m.text) && m.text.startsWith(':')), timeoutMs, `rollout ${String(word)}`);
  const versionOf = async (h: FleetHost) => {
    const res = await fetch(`http://127.0.0.1:${h.ports.api}/api/v1/versions`);
    return ((await res.json()) as { data: { version: string } }).data.version;
  };
  const approve = async (parent: SlackMessage) => {
    const c = await card(parent);
    const res = await b.press(c, 'srs_approval_approve', APPROVER);
    expect(res.status).toBe(200);
  };

  it('rolls 6 hosts in batches of 2, each gracefully restarted on the new version with its stream back; every step audited', async () => {
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('upgrade edges 6.0.185', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    expect(c.text).toMatch(/Batch 1\*\n• `edge-1` 6\.0\.184 → \*6\.0\.185\* \(1 publisher, 1 stream\)/);
    expect(c.text).toMatch(/Batch 3\*/);
    expect(c.text).toContain('batches of 2 (3 batches) · failure budget 0 · no automatic rollback · drain deadline 1.5s, then force quit');
    expect(findButton(c, 'srs_approval_deny').value).toContain(id);
    await approve(parent);
    await ended(parent, /Rollout done/);
    for (const h of hosts) expect(await versionOf(h)).toBe('6.0.185');
    hosts.forEach((h, i) => expect(pidOf(h)).not.toBe(pids[i]));
    const replies = thread(parent).map((m) => m.text);
    const batchStarts = replies.filter((t) => t.startsWith(':arrow_forward: Batch'));
    expect(batchStarts).toEqual([
      expect.stringContaining('Batch 1 of 3 started: `edge-1`, `edge-2`'),
      expect.stringContaining('Batch 2 of 3'),
      expect.stringContaining('Batch 3 of 3'),
    ]);
    // Batch 2 starts only after both hosts of batch 1 answered.
    const firstB2 = replies.findIndex((t) => t.includes('Batch 2 of 3'));
    const results = (n: string) => replies.findIndex((t) => t.includes(`*${n}*`) && t.includes('upgrade ok'));
    expect(results('edge-1')).toBeLessThan(firstB2);
    expect(results('edge-2')).toBeLessThan(firstB2);
    await b.standin.waitFor(
      () => (/: done \(|: done\n/.test(status(parent)?.text ?? '') ? true : undefined),
      10000,
      'status message final',
    );
    await b.standin.waitFor(
      () => (/done: 6 ok/.test(b.standin.messages(CHANNEL).find((m) => m.ts === parent.ts)?.text ?? '') ? true : undefined),
      10000,
      'parent summary',
    );
    await b.standin.waitFor(() => (publishers.every((p) => p.current !== null) ? true : undefined), 10000);

    const records = await b.audit({ requestId: id, limit: 200 });
    const types = records.map((r) => r.type).reverse();
    for (const t of [
      'request.received',
      'request.queued',
      'approval.requested',
      'button.pressed',
      'approval.granted',
      'rollout.started',
      'rollout.batch',
      'job.started',
      'job.result',
      'rollout.done',
      'request.done',
    ]) {
      expect(types).toContain(t);
    }
    expect(types.filter((t) => t === 'rollout.batch')).toHaveLength(3);
    const granted = records.find((r) => r.type === 'approval.granted');
    expect(granted?.actor).toBe(APPROVER);
    expect(records.filter((r) => r.type === 'job.result' && r.verb === 'upgrade').map((r) => r.data.outcome)).toEqual(Array(6).fill('ok'));
  }, 180000);

  it('halts on a build that serves no streams: the failed batch is reported, the other hosts stay untouched', async () => {
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('upgrade edges 6.0.186', { user: USERS.operator }));
    const parent = await parentOf(id);
    await approve(parent);
    const halted = await ended(parent, /Rollout HALTED/);
    expect(halted.text).toMatch(/edge-1: upgrade to 6\.0\.186 FAILED its checks: published streams 0 of 1 after 6s/);
    expect(halted.text).toMatch(/`edge-3` untouched, runs 6\.0\.184/);
    expect(halted.text).toMatch(/`edge-6` untouched, runs 6\.0\.184/);
    for (const i of [2, 3, 4, 5]) {
      const h = hosts[i] as FleetHost;
      expect(pidOf(h)).toBe(pids[i]);
      expect(pidAlive(pidOf(h))).toBe(true);
      expect(await versionOf(h)).toBe('6.0.184');
    }
    expect(thread(parent).some((m) => m.text.includes('Batch 2 of 3'))).toBe(false);
    const records = await b.audit({ requestId: id, limit: 200 });
    const halt = records.find((r) => r.type === 'rollout.halted');
    expect(halt?.data.reason).toMatch(/failed \(budget 0\)/);
    expect(records.some((r) => r.type === 'rollout.batch' && (r.data.batch as number) === 2)).toBe(false);
  }, 180000);

  it('rolls a build that does not start back to the previous version (--rollback), then halts', async () => {
    const id = requestIdOf(await b.slash('upgrade edges 6.0.187 --batch 1 --rollback', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    expect(c.text).toContain('batches of 1 (6 batches) · failure budget 0 · automatic rollback on');
    await approve(parent);
    const halted = await ended(parent, /Rollout HALTED/);
    expect(halted.text).toMatch(/edge-1: upgrade to 6\.0\.187 FAILED its checks \(SRS is not running after the restart/);
    expect(halted.text).toMatch(/rolled back: 6\.0\.184 serves again/);
    expect(await versionOf(hosts[0] as FleetHost)).toBe('6.0.184');
    expect(halted.text).toMatch(/`edge-2` untouched/);
    await b.standin.waitFor(
      () => ((publishers[0]?.current ?? null) !== null ? true : undefined),
      10000,
      'edge-1 publisher back after the rollback',
    );
  }, 180000);

  it('abort stops after the host in progress; the rest stay untouched', async () => {
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('upgrade edge-1,edge-2,edge-3 6.0.185 --batch 1', { user: USERS.operator }));
    const parent = await parentOf(id);
    await approve(parent);
    await b.standin.waitFor(
      () => (/installing|restarting|verifying/.test(status(parent)?.text ?? '') ? true : undefined),
      30000,
      'edge-1 in progress',
    );
    const viewer = await b.slash(`abort ${id}`, { user: USERS.viewer });
    expect(viewer.body).toContain('Only <@');
    const ack = await b.slash(`abort ${id}`, { user: USERS.operator });
    expect(ack.body).toContain('hosts in progress finish');
    const aborted = await ended(parent, /Rollout aborted/);
    expect(aborted.text).toMatch(/`edge-1` done, runs 6\.0\.185/);
    expect(aborted.text).toMatch(/`edge-2` untouched/);
    expect(aborted.text).toMatch(/`edge-3` untouched/);
    expect(pidOf(hosts[1] as FleetHost)).toBe(pids[1]);
    expect(await versionOf(hosts[2] as FleetHost)).toBe('6.0.184');
  }, 180000);

  it('abort --now asks to confirm; then the host installing stops before its restart, its old version back; the rest untouched', async () => {
    const pids = hosts.map(pidOf);
    fs.writeFileSync(path.join((hosts[0] as FleetHost).hostDir, 'usr/local/bin/slow-install.on'), '');
    const id = requestIdOf(await b.slash('upgrade edge-1,edge-2 6.0.185 --batch 1', { user: USERS.operator }));
    const parent = await parentOf(id);
    await approve(parent);
    await b.standin.waitFor(
      () => (/`edge-1` [^\n]*installing/.test(status(parent)?.text ?? '') ? true : undefined),
      30000,
      'edge-1 installing',
    );
    const ack = await b.slash(`abort ${id} --now`, { user: USERS.operator });
    expect(ack.body).toContain('Confirm in the rollout');
    const confirm = await b.standin.waitFor(
      () => thread(parent).find((m) => m.text.includes('Abort rollout')),
      10000,
      'abort confirmation',
    );
    await b.press(confirm, 'srs_rollout_abort_now', USERS.viewer);
    await b.standin.waitFor((s) => s.responses.find((r) => JSON.stringify(r).includes('may abort it; nothing was done')), 8000);
    await b.press(confirm, 'srs_rollout_abort_now', USERS.operator);
    const aborted = await ended(parent, /Rollout aborted/);
    expect(aborted.text).toMatch(/`edge-1` cancelled, runs 6\.0\.184/);
    expect(aborted.text).toMatch(/`edge-2` untouched/);
    const reply = thread(parent).find((m) => /\*edge-1\* upgrade/.test(m.text));
    expect(reply?.text).toMatch(
      /not restarted: the rollout was aborted by U0OPER001 after the install; 6\.0\.184 was re-installed and still serves/,
    );
    expect(pidOf(hosts[0] as FleetHost)).toBe(pids[0]);
    expect(pidOf(hosts[1] as FleetHost)).toBe(pids[1]);
    expect(await versionOf(hosts[0] as FleetHost)).toBe('6.0.184');
    fs.rmSync(path.join((hosts[0] as FleetHost).hostDir, 'usr/local/bin/slow-install.on'));
  }, 180000);
});
