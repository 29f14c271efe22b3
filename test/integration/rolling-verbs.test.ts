import fs from 'node:fs';
import type { FleetHost } from '../support/fleet';
import { CHANNEL, findButton, requestIdOf, startBotHarness, USERS, type BotHarness } from '../support/bot-harness';
import type { SlackMessage } from '../support/slack/standin-types';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { pidAlive } from '../support/worker-harness';
import { leaveOnDrain } from '../support/leave-on-drain';
import { connectClient, type ClientHandle } from '../srs-sim/media-client';

const DB_ROLLING = 40;
const pidOf = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());

/**
 * Viewers of one host that leave by themselves once its drain begins (its listeners close), as an edge's audience
 * does when the stream ends there; `stuck` ones never leave. Records who left on their own and who was cut off by
 * the server before that.
 */
interface HostViewers {
  host: FleetHost;
  clients: ClientHandle[];
  /** Clients closed by the test (left on their own). */
  leftByThemselves: Set<ClientHandle>;
  stop: () => void;
}

async function viewers(host: FleetHost, leaving: number, stuck: number): Promise<HostViewers> {
  const clients: ClientHandle[] = [];
  for (let i = 0; i < leaving + stuck; i++) clients.push(await connectClient({ port: host.ports.rtmp, kind: 'play', stream: 'live/show' }));
  const leavers = clients.slice(0, leaving);
  const left = new Set<ClientHandle>();
  const watch = leaveOnDrain(host.ports.rtmp, async () => {
    for (const c of leavers) {
      left.add(c);
      await c.close();
    }
  });
  return { host, clients, leftByThemselves: left, stop: watch.stop };
}

/**
 * Rolling service verbs through the real path: signed slash command -> survey over real sshd -> plan in batches ->
 * the blast-radius confirmation (requester only) -> the rollout engine, one batch at a time, health gate between
 * batches -> drain counts per host and in total; dry runs that change nothing.
 */
describe('rolling service verbs (real sshd, simulator, Redis, Slack stand-in)', () => {
  let hosts: FleetHost[];
  let b: BotHarness;
  let crowds: HostViewers[] = [];
  const name = (i: number) => `edge-${i + 1}`;

  beforeAll(async () => {
    hosts = await claimHosts(6, { serviceManager: 'initd', version: '6.0.184' });
    const rename = Object.fromEntries(hosts.map((h, i) => [h.name, name(i)]));
    const hostExtra = Object.fromEntries(hosts.map((h) => [h.name, { groups: ['edges'] }]));
    b = await startBotHarness(hosts, DB_ROLLING, {
      rename,
      hostExtra,
      extra: {
        rolling: { batch: 1, maxBatch: '50%', healthTimeoutMs: 4000 },
        confirm: { hosts: 3, viewers: 100, expireMs: 10000 },
        grace: { deadlineMs: 60000, pollMs: 300 },
      },
    });
  });
  afterAll(async () => {
    for (const c of crowds) c.stop();
    await Promise.all(crowds.flatMap((c) => c.clients.map((x) => x.close())));
    await b.close();
    releaseHosts(hosts);
  });
  beforeEach(async () => {
    for (const c of crowds) c.stop();
    await Promise.all(crowds.flatMap((c) => c.clients.map((x) => x.close())));
    crowds = [];
    await Promise.all(hosts.map((h) => getTestRun().fleet.resetHost(h.name)));
  });

  const thread = (parent: SlackMessage) => b.standin.thread(CHANNEL, parent.ts);
  const parentOf = (id: string) => b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000, `parent of ${id}`);
  const confirmCard = (parent: SlackMessage) =>
    b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('This is a wide change')), 30000, 'confirm card');
  const ended = (parent: SlackMessage, word: RegExp, timeoutMs = 120000) =>
    b.standin.waitFor(() => thread(parent).find((m) => word.test(m.text) && m.text.startsWith(':')), timeoutMs, `rollout ${String(word)}`);
  const lineOf = (text: string, host: string) => text.split('\n').find((l) => l.startsWith(`\`${host}\``)) ?? '';

  it('a 6-host graceful restart in batches of 2 with live viewers: confirmed by the requester only, 0 forced off, counts match the hosts', async () => {
    crowds = await Promise.all(hosts.map((h) => viewers(h, 2, 0)));
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('restart edges --graceful --batch 2', { user: USERS.operator }));
    const parent = await parentOf(id);
    const card = await confirmCard(parent);
    expect(card.text).toContain('6 hosts (more than `confirm.hosts` = 3)');
    expect(card.text).toMatch(/Blast radius now:\* 6 hosts in 3 batches · 12 live viewers · 0 publishers/);
    expect(card.text).toMatch(/batches of 2 \(3 batches\)/);
    // Nobody but the requester may confirm, an admin included; nothing ran meanwhile.
    for (const other of [USERS.admin, USERS.viewer]) {
      const res = await b.press(card, 'srs_confirm_go', other);
      expect(res.status).toBe(200);
    }
    hosts.forEach((h, i) => expect(pidOf(h)).toBe(pids[i]));
    const refusals = await b.audit({ requestId: id, types: ['button.denied'] });
    expect(refusals.map((r) => r.actor).sort()).toEqual([USERS.admin, USERS.viewer].sort());
    await b.press(card, 'srs_confirm_go', USERS.operator);
    const final = await ended(parent, /Rollout (done|HALTED)/);
    expect(final.text).toMatch(/^:white_check_mark: Rollout done/);
    // What the hosts saw: 2 viewers each, who left by themselves once the drain began; every host a new process.
    for (const [i, h] of hosts.entries()) {
      expect(pidOf(h)).not.toBe(pids[i]);
      expect(pidAlive(pidOf(h))).toBe(true);
      expect(crowds[i]?.leftByThemselves.size).toBe(2);
      expect(lineOf(final.text, name(i))).toContain('2 clients: 2 left on their own, 0 forced off');
    }
    expect(final.text).toContain('Drain: 12 clients on 6 hosts, 12 left on their own, *0 forced off*');
    // Batches of 2: a batch starts only once every host of the one before answered.
    const results = await b.audit({ requestId: id, types: ['job.started', 'job.result'] });
    const at = (type: string, host: string) => results.find((r) => r.type === type && r.host === host)?.seq ?? NaN;
    for (const [first, next] of [
      [0, 2],
      [1, 2],
      [2, 4],
      [3, 4],
    ] as const)
      expect(at('job.result', name(first))).toBeLessThan(at('job.started', name(next)));
    const done = await b.audit({ requestId: id, types: ['rollout.done'] });
    expect(done[0]?.data.drain).toMatchObject({ hosts: 6, atStart: 12, drained: 12, forcedOff: 0 });
  }, 180000);

  it('one stuck viewer and a deadline: exactly 1 forced off, on its host and in the total', async () => {
    crowds = await Promise.all(hosts.slice(0, 4).map((h, i) => viewers(h, 1, i === 2 ? 1 : 0)));
    const id = requestIdOf(await b.slash(`restart ${[0, 1, 2, 3].map(name).join(',')} --graceful --batch 2 --deadline 8s`));
    const parent = await parentOf(id);
    await b.press(await confirmCard(parent), 'srs_confirm_go', USERS.operator);
    const final = await ended(parent, /Rollout (done|HALTED)/);
    expect(final.text).toMatch(/^:white_check_mark: Rollout done/);
    expect(lineOf(final.text, name(2))).toContain('2 clients: 1 left on their own, 1 forced off at the deadline');
    for (const i of [0, 1, 3]) expect(lineOf(final.text, name(i))).toContain('1 client: 1 left on their own, 0 forced off');
    expect(final.text).toMatch(/Drain: 5 clients on 4 hosts, 4 left on their own, \*1 forced off\* · deadline reached on `edge-3`/);
  }, 180000);

  it('halts when a batch fails its health gate; the hosts not yet touched are listed and untouched', async () => {
    // edge-1's encoder does not reconnect after a restart: its published stream is not back within the gate's time.
    const encoder = await connectClient({ port: (hosts[0] as FleetHost).ports.rtmp, kind: 'publish', stream: 'live/cam' });
    crowds = [{ host: hosts[0] as FleetHost, clients: [encoder], leftByThemselves: new Set(), stop: () => undefined }];
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('restart edges --batch 2'));
    const parent = await parentOf(id);
    await b.press(await confirmCard(parent), 'srs_confirm_go', USERS.operator);
    const final = await ended(parent, /Rollout (done|HALTED)/);
    expect(final.text).toMatch(/^:octagonal_sign: Rollout HALTED: 1 host failed \(budget 0\): edge-1: .*health gate/);
    for (const i of [2, 3, 4, 5]) {
      expect(lineOf(final.text, name(i))).toContain('untouched');
      expect(pidOf(hosts[i] as FleetHost)).toBe(pids[i]);
    }
    expect(pidOf(hosts[1] as FleetHost)).not.toBe(pids[1]);
    const halted = await b.audit({ requestId: id, types: ['rollout.halted'] });
    expect(halted).toHaveLength(1);
  }, 120000);

  it('/srs abort stops a rolling verb after the hosts in progress; the rest are untouched', async () => {
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('restart edges --batch 2'));
    const parent = await parentOf(id);
    await b.press(await confirmCard(parent), 'srs_confirm_go', USERS.operator);
    await b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('Batch 1 of 3 started')), 30000, 'batch 1');
    const ack = JSON.parse((await b.slash(`abort ${id}`, { user: USERS.operator })).body) as { text: string };
    expect(ack.text).toMatch(/Aborting .*hosts in progress finish/);
    const final = await ended(parent, /Rollout (done|HALTED|aborted)/);
    expect(final.text).toMatch(/^:no_entry_sign: Rollout aborted: aborted by <@U0OPER001>; untouched: edge-3, edge-4, edge-5, edge-6/);
    for (const i of [2, 3, 4, 5]) expect(pidOf(hosts[i] as FleetHost)).toBe(pids[i]);
    for (const i of [0, 1]) expect(pidOf(hosts[i] as FleetHost)).not.toBe(pids[i]);
  }, 120000);

  it('a confirmation expires: nothing runs, a late press does nothing', async () => {
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('stop edges'));
    const parent = await parentOf(id);
    const card = await confirmCard(parent);
    expect(findButton(card, 'srs_confirm_cancel').value).toContain(id);
    const asPosted = structuredClone(card); // the card loses its buttons when it expires: a late press uses the old one
    const expired = await b.standin.waitFor(
      () =>
        b.standin
          .messages(CHANNEL)
          .concat(thread(parent))
          .find((m) => m.ts === card.ts && m.text.includes('Expired')),
      20000,
      'card expired',
    );
    expect(expired.text).toContain('without a confirmation: nothing ran');
    expect((await b.press(asPosted, 'srs_confirm_go', USERS.operator)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    hosts.forEach((h, i) => {
      expect(pidOf(h)).toBe(pids[i]);
      expect(pidAlive(pidOf(h))).toBe(true);
    });
    expect(await b.audit({ requestId: id, types: ['confirm.expired'] })).toHaveLength(6);
    expect(await b.audit({ requestId: id, types: ['confirm.confirmed'] })).toHaveLength(0);
    expect(await b.audit({ requestId: id, types: ['job.started'] })).toHaveLength(0);
  }, 60000);

  it('--dry-run shows plan, survey and the exact commands, changes nothing (checked on the hosts), and is audited as a dry run', async () => {
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('stop edges --dry-run'));
    const parent = await parentOf(id);
    const report = await b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('*Dry run*')), 30000, 'dry run report');
    expect(report.text).toContain('nothing was changed on any host');
    expect(report.text).toContain('Before it runs: your confirmation');
    const blocks = JSON.stringify(report.blocks);
    for (const i of [0, 5]) expect(blocks).toContain(`\`${name(i)}\` would run:`);
    expect(blocks).toMatch(/srs-initd[^`]*stop/);
    await b.standin.waitFor(
      () =>
        /^:test_tube: .*dry run: nothing changed \(6 hosts surveyed\)/.test(
          b.standin.messages(CHANNEL).find((m) => m.ts === parent.ts)?.text ?? '',
        )
          ? true
          : undefined,
      10000,
      'parent says dry run',
    );
    hosts.forEach((h, i) => {
      expect(pidOf(h)).toBe(pids[i]);
      expect(pidAlive(pidOf(h))).toBe(true);
    });
    const dry = await b.audit({ requestId: id, types: ['request.dry_run'] });
    expect(dry.map((r) => r.host).sort()).toEqual(hosts.map((_, i) => name(i)).sort());
    expect(dry[0]?.data.commands).toEqual(expect.arrayContaining([expect.stringMatching(/stop/)]));
    expect(await b.audit({ requestId: id, types: ['job.started'] })).toHaveLength(0);
    // An upgrade's dry run: each host's install with its version, then its graceful restart; nothing installed.
    const up = requestIdOf(await b.slash('upgrade edge-1,edge-2 6.0.185 --dry-run'));
    const upParent = await parentOf(up);
    const upReport = await b.standin.waitFor(() => thread(upParent).find((m) => m.text.includes('*Dry run*')), 30000, 'upgrade dry run');
    expect(JSON.stringify(upReport.blocks)).toMatch(/srs-install 6\.0\.185 [^`]*\\n[^`]*grace/);
    expect(upReport.text).toContain("Before it runs: another person's approval");
    expect(await b.audit({ requestId: up, types: ['job.started'] })).toHaveLength(0);
  }, 90000);
});
