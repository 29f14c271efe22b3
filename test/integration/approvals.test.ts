import fs from 'node:fs';
import type { FleetHost } from '../support/fleet';
import { CHANNEL, requestIdOf, startBotHarness, USERS, type BotHarness } from '../support/bot-harness';
import type { SlackMessage } from '../support/slack/standin-types';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { pidAlive } from '../support/worker-harness';
import type { AuditRecord } from '../../src/ports/audit-port';

const A1 = 'U0APPR001'; // approver of every host
const A2 = 'U0APPR002'; // approver of prod only
const pidOf = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());

/**
 * The approval gate through the real path (signed slash commands and button presses, Redis, workers over real sshd):
 * four eyes, approver roles, N of M, deny with a reason, expiry, plan changes, a bot restart with a pending approval.
 */
describe('approval gate (real sshd, simulator, Redis, Slack stand-in)', () => {
  let hosts: FleetHost[];
  let b: BotHarness;
  const DB = 16;

  beforeAll(async () => {
    hosts = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
    const rename = Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`]));
    const hostExtra = Object.fromEntries(hosts.map((h, i) => [h.name, { groups: i === 0 ? ['edges', 'prod'] : ['edges', 'pair'] }]));
    b = await startBotHarness(hosts, DB, {
      rename,
      hostExtra,
      extra: {
        approvals: {
          expireMs: 10000,
          approvers: { all: [A1], prod: [A2] },
          required: { prod: 2 },
          gated: [
            { verb: 'stop', groups: ['prod'] },
            { verb: 'restart', groups: ['edges'] },
          ],
        },
      },
    });
  });
  afterAll(async () => {
    await b.close();
    releaseHosts(hosts);
  });
  beforeEach(async () => {
    await Promise.all(hosts.map((h) => getTestRun().fleet.resetHost(h.name)));
  });

  const thread = (parent: SlackMessage) => b.standin.thread(CHANNEL, parent.ts);
  const parentOf = (id: string) => b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000, `parent of ${id}`);
  const latest = (m: SlackMessage) => b.standin.messages(CHANNEL).find((x) => x.ts === m.ts) ?? thread(m).find((x) => x.ts === m.ts) ?? m;
  const card = (parent: SlackMessage) => b.standin.waitFor(() => thread(parent).find((m) => m.text.includes(':lock:')), 30000, 'plan card');
  const cardNow = (parent: SlackMessage) => thread(parent).find((m) => m.text.includes(':lock:'));
  const answered = (pattern: RegExp) =>
    b.standin.waitFor((s) => s.responses.find((r) => pattern.test(JSON.stringify(r))), 8000, `ephemeral ${String(pattern)}`);
  const auditOf = (id: string): Promise<AuditRecord[]> => b.audit({ requestId: id, limit: 200 });

  it('a gated verb waits for approval; the requester cannot approve, a non-approver cannot; an approver can and it runs', async () => {
    const h = hosts[1] as FleetHost;
    const pid = pidOf(h);
    const ack = await b.slash('restart edge-2', { user: USERS.operator });
    expect(ack.body).toContain('needs another person');
    const id = requestIdOf(ack);
    const parent = await parentOf(id);
    const c = await card(parent);
    expect(c.text).toMatch(/asks to \*restart\* on \*edge-2\*/);
    expect(c.text).toMatch(/`edge-2` running, SRS 6\.0\.184/);
    expect(c.text).toContain(`Needs 1 approval from: <@${A1}>`);
    await b.standin.waitFor(() => (/awaiting approval \(0 of 1\)/.test(latest(parent).text) ? true : undefined), 5000);

    await b.press(c, 'srs_approval_approve', USERS.operator);
    await answered(/nobody approves their own request/);
    await b.press(c, 'srs_approval_approve', A2);
    await answered(/you are not an approver for edge-2/);
    expect(pidOf(h)).toBe(pid); // nothing ran
    expect(b.standin.calls.filter((x) => x.method === 'chat.postMessage' && JSON.stringify(x.args).includes('restart ok')).length).toBe(0);

    await b.press(c, 'srs_approval_approve', A1);
    const { parent: done, replies } = await b.finished(id, 40000);
    expect(done.text).toMatch(/done: 1 ok/);
    expect(replies.map((r) => r.text).join('\n')).toMatch(/edge-2\* restart ok/);
    expect(pidOf(h)).not.toBe(pid);
    expect(latest(c).text).toContain(`*Approved* by <@${A1}>`);
    let types: string[] = [];
    for (let i = 0; i < 50 && !types.includes('request.done'); i++) {
      types = (await auditOf(id)).map((r) => r.type); // request.done is appended just after the summary edit
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(types.filter((t) => t === 'approval.refused')).toHaveLength(2);
    expect(types).toEqual(expect.arrayContaining(['approval.requested', 'approval.granted', 'job.result', 'request.done']));
  });

  it('prod needs 2 approvals (N of M): one is not enough, the same person twice is not two, the second runs it', async () => {
    const h = hosts[0] as FleetHost;
    const pid = pidOf(h);
    const id = requestIdOf(await b.slash('stop edge-1', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    expect(c.text).toContain('Needs 2 approvals from:');
    const jobs = await b.slash('jobs', { user: USERS.viewer });
    expect(jobs.body).toMatch(
      new RegExp(`Awaiting approval\\* \\(1\\)[\\s\\S]*${id}  stop edge-1 \\(1 host\\) by ${USERS.operator}: 0 of 2 approvals`),
    );
    const forged = await b.pressForged(c, 'srs_approval_approve', A1);
    expect(forged.status).toBe(401);
    await b.press(c, 'srs_approval_approve', A1);
    await answered(/Approved \(1 of 2\)/);
    await b.standin.waitFor(() => (latest(c).text.includes(`approved so far by <@${A1}>`) ? true : undefined), 5000);
    await b.press(latest(c), 'srs_approval_approve', A1);
    await answered(/already approved this plan/);
    expect(pidAlive(pid)).toBe(true);
    await b.press(latest(c), 'srs_approval_approve', A2);
    const { parent: done } = await b.finished(id, 40000);
    expect(done.text).toMatch(/done: 1 ok/);
    expect(pidAlive(pid)).toBe(false);
    const grants = (await auditOf(id))
      .filter((r) => r.type === 'approval.granted')
      .map((r) => r.actor)
      .reverse();
    expect(grants).toEqual([A1, A2]);
  });

  it('deny needs a reason; the reason is shown escaped and recorded; nothing runs', async () => {
    const pid = pidOf(hosts[1] as FleetHost);
    const id = requestIdOf(await b.slash('restart edge-2', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    const stale = structuredClone(c); // a client still showing the card as first posted
    await b.press(c, 'srs_approval_deny', A1);
    await answered(/Type a reason/);
    await b.press(c, 'srs_approval_deny', A1, { reason: '<!channel> not during the match *now*' });
    await b.standin.waitFor(() => (latest(c).text.includes('*Denied* by') ? true : undefined), 8000);
    expect(latest(c).text).toMatch(/&lt;!\u200bchannel&gt; not during the match/); // escaped: no mention fires
    expect(latest(c).text).not.toContain('<!channel>');
    await b.standin.waitFor(() => (/denied by <@U0APPR001>/.test(latest(parent).text) ? true : undefined), 8000, 'parent says denied');
    await b.press(stale, 'srs_approval_approve', A1);
    await answered(/already denied/);
    expect(pidOf(hosts[1] as FleetHost)).toBe(pid);
    const denied = (await auditOf(id)).find((r) => r.type === 'approval.denied');
    expect(denied?.data.reason).toBe('<!channel> not during the match *now*');
    const history = await b.slash('history edge-2', { user: USERS.viewer });
    expect(history.body).toMatch(/restart[^\n]*edge-2[^\n]*not approved[^\n]*refused by <@U0APPR001>/);
  });

  it('a plan whose inventory changed before approval is void: nothing runs, a new plan is needed', async () => {
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('restart pair', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    const edge3 = b.config.hosts.find((x) => x.name === 'edge-3');
    if (!edge3) throw new Error('no edge-3');
    const groups = [...edge3.groups];
    edge3.groups = ['edges']; // a config reload took edge-3 out of `pair`
    try {
      await b.press(c, 'srs_approval_approve', A1);
      await answered(/The plan changed since it was made \(edge-3 left the target\)/);
    } finally {
      edge3.groups = groups;
    }
    await b.standin.waitFor(() => (latest(c).text.includes('*Void*') ? true : undefined), 8000);
    expect(hosts.map(pidOf)).toEqual(pids);
    expect((await auditOf(id)).some((r) => r.type === 'approval.voided' && String(r.data.reason).includes('edge-3 left the target'))).toBe(
      true,
    );
  });

  it('expires unapproved: the card says so by itself, a late press is refused, nothing runs', async () => {
    const pid = pidOf(hosts[1] as FleetHost);
    const id = requestIdOf(await b.slash('restart edge-2', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    const stale = structuredClone(c);
    await b.standin.waitFor(() => (latest(c).text.includes('*Expired*') ? true : undefined), 20000, 'card expired');
    await b.standin.waitFor(() => (/expired unapproved/.test(latest(parent).text) ? true : undefined), 8000, 'parent says expired');
    await b.press(stale, 'srs_approval_approve', A1);
    await answered(/This plan is expired/);
    expect(pidOf(hosts[1] as FleetHost)).toBe(pid);
    const types = (await auditOf(id)).map((r) => r.type);
    expect(types).toContain('approval.expired');
    expect(types).not.toContain('approval.granted');
  }, 40000);

  it('survives a bot restart: the old card still works after the restart', async () => {
    const h = hosts[2] as FleetHost;
    const pid = pidOf(h);
    const id = requestIdOf(await b.slash('restart edge-3', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    await b.restartBot();
    await b.press(c, 'srs_approval_approve', A1);
    const { parent: done } = await b.finished(id, 40000);
    expect(done.text).toMatch(/done: 1 ok/);
    expect(pidOf(h)).not.toBe(pid);
  });

  it('plans refuse what cannot be upgraded and bad versions never reach a host', async () => {
    const bad = await b.slash('upgrade edges 6.0.1;reboot', { user: USERS.operator });
    expect(bad.body).toContain('`;` is not allowed');
    const viewer = await b.slash('upgrade edges 6.0.185', { user: USERS.viewer });
    expect(viewer.body).toContain('needs the operator role');
    await getTestRun().fleet.killSrs((hosts[2] as FleetHost).name);
    const id = requestIdOf(await b.slash('upgrade edges 6.0.185', { user: USERS.operator }));
    const parent = await parentOf(id);
    const why = await b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('Not planned')), 30000);
    expect(why.text).toMatch(/edge-3 is (stale pid|zombie)/);
    expect(cardNow(parent)).toBeUndefined();
  });

  it('Slack failing right after the last approval does not lose the approved run', async () => {
    const h = hosts[1] as FleetHost;
    const pid = pidOf(h);
    const id = requestIdOf(await b.slash('restart edge-2', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    b.standin.failNext('chat.update', { status: 500 }, 2); // the card and parent edits right after the approval
    await b.press(c, 'srs_approval_approve', A1);
    const { parent: done } = await b.finished(id, 40000);
    expect(done.text).toMatch(/done: 1 ok/);
    expect(pidOf(h)).not.toBe(pid);
  });

  it('a bot that recorded the last approval and died before starting the run: the sweeper starts it', async () => {
    const h = hosts[2] as FleetHost;
    const pid = pidOf(h);
    const id = requestIdOf(await b.slash('restart edge-3', { user: USERS.operator }));
    const parent = await parentOf(id);
    await card(parent);
    const rec = await b.runtime.deps.approvals.get(id);
    if (!rec) throw new Error('no approval stored');
    // What the press handler does first, and then nothing more (the process died there).
    expect((await b.runtime.deps.approvals.approve(id, A1, rec.plan.hash, Date.now())).status).toBe('complete');
    const { parent: done } = await b.finished(id, 40000);
    expect(done.text).toMatch(/done: 1 ok/);
    expect(pidOf(h)).not.toBe(pid);
    expect(await b.runtime.deps.approvals.unstarted(Date.now())).not.toContain(id);
  }, 60000);
});
