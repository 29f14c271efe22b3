import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { FleetHost } from '../support/fleet';
import { CHANNEL, requestIdOf, startBotHarness, USERS, type BotHarness } from '../support/bot-harness';
import type { SlackMessage } from '../support/slack/standin-types';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { pidAlive } from '../support/worker-harness';
import type { AuditRecord } from '../../src/ports/audit-port';
import { getVersion, publishPackage, setVersion } from '../srs-sim/install';

const A1 = 'U0APPR001'; // approver of every host
const A2 = 'U0APPR002'; // approver of prod
const A3 = 'U0APPR003'; // approver of prod
const pidOf = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());

/**
 * An approval is bound to what it approves (issue 15, findings 1-4): the machines behind the host names, the policy
 * as it is when the last approval arrives, hosts still in the inventory, hosts still on the planned version.
 */
describe('approvals bound to what they approve (real sshd, simulator, Redis, Slack stand-in)', () => {
  let hosts: FleetHost[];
  let b: BotHarness;
  const DB = 28;

  beforeAll(async () => {
    hosts = await claimHosts(4, { serviceManager: 'initd', version: '6.0.184' });
    const rename = Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`]));
    const groups = [['edges', 'pair'], ['edges', 'pair'], ['edges', 'prod'], ['spare']];
    const hostExtra = Object.fromEntries(hosts.map((h, i) => [h.name, { groups: groups[i] ?? [] }]));
    b = await startBotHarness(hosts, DB, {
      rename,
      hostExtra,
      extra: {
        approvals: {
          expireMs: 30000,
          approvers: { all: [A1], prod: [A2, A3] },
          required: { prod: 2 },
          gated: [
            { verb: 'stop', groups: ['prod'] },
            { verb: 'restart', groups: ['edges'] },
          ],
        },
        upgrade: {
          install: ['{root}/../bin/srs-install', '{version}', '--root', '{root}'],
          batchSize: 1,
          healthTimeoutMs: 6000,
          deadlineMs: 1500,
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
    for (const h of hosts) publishPackage(h.hostDir, '6.0.185');
  });

  const thread = (parent: SlackMessage) => b.standin.thread(CHANNEL, parent.ts);
  const parentOf = (id: string) => b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000, `parent of ${id}`);
  const latest = (m: SlackMessage) => b.standin.messages(CHANNEL).find((x) => x.ts === m.ts) ?? thread(m).find((x) => x.ts === m.ts) ?? m;
  const card = (parent: SlackMessage) => b.standin.waitFor(() => thread(parent).find((m) => m.text.includes(':lock:')), 30000, 'plan card');
  const answered = (pattern: RegExp) =>
    b.standin.waitFor((s) => s.responses.find((r) => pattern.test(JSON.stringify(r))), 8000, `ephemeral ${String(pattern)}`);
  const auditOf = (id: string): Promise<AuditRecord[]> => b.audit({ requestId: id, limit: 200 });
  const hostConf = (name: string) => {
    const h = b.config.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no ${name}`);
    return h;
  };

  it('a host re-pointed at another machine (same name, same version) after the card voids the approval, and says what moved', async () => {
    const spareHost = hosts[3] as FleetHost;
    const sparePid = pidOf(spareHost);
    const id = requestIdOf(await b.slash('upgrade edge-2 6.0.185', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    const edge2 = hostConf('edge-2');
    const spare = hostConf('edge-4');
    const was = { address: edge2.address, port: edge2.port, srsRoot: edge2.srsRoot, api: edge2.api, system: edge2.system };
    Object.assign(edge2, { address: spare.address, port: spare.port, srsRoot: spare.srsRoot, api: spare.api, system: spare.system });
    try {
      await b.restartBot();
      await b.press(c, 'srs_approval_approve', A1);
      await answered(
        /The plan changed since it was made \(edge-2 now points at another machine \(address [\d.]+:\d+ → [\d.]+:\d+; SRS root [^;]+ → [^;]+; pinned host key SHA256:[^ ]+ → SHA256:[^)]+\)\): this approval is void/,
      );
      await b.standin.waitFor(
        () => (latest(c).text.includes('*Void*: edge-2 now points at another machine') ? true : undefined),
        8000,
        'card void',
      );
    } finally {
      Object.assign(edge2, was);
    }
    expect(pidOf(spareHost)).toBe(sparePid); // the other machine was not touched
    expect(pidAlive(sparePid)).toBe(true);
    expect(getVersion(spareHost.root)).toBe('6.0.184');
    const records = await auditOf(id);
    expect(
      records.some((r) => r.type === 'approval.voided' && String(r.data.reason).includes('edge-2 now points at another machine')),
    ).toBe(true);
    expect(records.some((r) => r.type === 'rollout.started')).toBe(false);
  });

  it('an approver removed from approvals.approvers no longer counts when the next approval arrives; the card says so', async () => {
    const h = hosts[2] as FleetHost;
    const pid = pidOf(h);
    const id = requestIdOf(await b.slash('stop edge-3', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    expect(c.text).toContain('Needs 2 approvals');
    await b.press(c, 'srs_approval_approve', A2);
    await answered(/Approved \(1 of 2\)/);
    const prod = b.config.approvals.approvers.prod ?? [];
    b.config.approvals.approvers.prod = [A3]; // A2 is no longer an approver of prod
    try {
      await b.press(latest(c), 'srs_approval_approve', A1);
      await answered(
        new RegExp(
          `Approved \\(1 of 2\\); <@${A2}>'s approval no longer counts: not an approver for edge-3 any more; it waits for 1 more approver`,
        ),
      );
      await b.standin.waitFor(
        () =>
          latest(c).text.includes(`<@${A2}>'s approval no longer counts: not an approver for edge-3 any more; 1 of 2`) ? true : undefined,
        8000,
        'card note',
      );
      expect(latest(c).text).toContain(`approved so far by <@${A1}>`);
      expect(pidAlive(pid)).toBe(true); // nothing ran
      await b.press(latest(c), 'srs_approval_approve', A3);
    } finally {
      b.config.approvals.approvers.prod = prod;
    }
    const { parent: done } = await b.finished(id, 40000);
    expect(done.text).toMatch(/done: 1 ok/);
    const grants = (await auditOf(id)).filter((r) => r.type === 'approval.granted').sort((x, y) => x.seq - y.seq);
    expect(grants.at(-1)?.data.approvedBy).toEqual([A1, A3]);
    expect(grants.find((r) => r.actor === A1)?.data.noLongerCounted).toEqual([
      { userId: A2, reason: 'not an approver for edge-3 any more' },
    ]);
  });

  it('a host removed from the inventory voids the card with the reason (not "you are not an approver")', async () => {
    const pids = hosts.map(pidOf);
    const id = requestIdOf(await b.slash('restart pair', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    const at = b.config.hosts.findIndex((x) => x.name === 'edge-2');
    const [removed] = b.config.hosts.splice(at, 1);
    try {
      await b.press(c, 'srs_approval_approve', A1);
      await answered(/The plan changed since it was made \(edge-2 is no longer in the inventory\): this approval is void/);
    } finally {
      if (removed) b.config.hosts.splice(at, 0, removed);
    }
    await b.standin.waitFor(
      () => (latest(c).text.includes('*Void*: edge-2 is no longer in the inventory') ? true : undefined),
      8000,
      'card void',
    );
    expect(b.standin.responses.some((r) => JSON.stringify(r).includes('you are not an approver for edge-2'))).toBe(false);
    expect(hosts.map(pidOf)).toEqual(pids);
  });

  it('a host already on the target version when its turn comes is refused: not on the planned version, nothing installed or restarted', async () => {
    const h = hosts[0] as FleetHost;
    const id = requestIdOf(await b.slash('upgrade edge-1 6.0.185', { user: USERS.operator }));
    const parent = await parentOf(id);
    const c = await card(parent);
    expect(c.text).toMatch(/`edge-1` 6\.0\.184 → \*6\.0\.185\*/);
    // Someone upgrades it by hand meanwhile.
    setVersion(h.root, '6.0.185');
    const old = pidOf(h);
    execFileSync(h.initScript, ['restart'], { cwd: h.root, stdio: 'ignore', timeout: 20000 });
    await b.standin.waitFor(() => (pidOf(h) !== old && pidAlive(pidOf(h)) ? true : undefined), 10000, 'SRS restarted by hand');
    const pid = pidOf(h);
    await b.press(c, 'srs_approval_approve', A1);
    const refused = await b.standin.waitFor(
      () => thread(parent).find((m) => m.text.includes('not upgraded: it already runs 6.0.185')),
      40000,
      'refusal',
    );
    expect(refused.text).toContain(
      'not upgraded: it already runs 6.0.185, but the approved plan said 6.0.184; the approval does not hold (it is not on the planned version): nothing was installed or restarted',
    );
    await b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('Rollout HALTED')), 20000, 'halted');
    expect(pidOf(h)).toBe(pid); // not restarted
    expect(pidAlive(pid)).toBe(true);
    const result = (await auditOf(id)).find((r) => r.type === 'job.result' && r.host === 'edge-1');
    expect(result?.data.errorCode ?? result?.data.outcome).toBeDefined();
    expect(JSON.stringify(result?.data)).toContain('plan_changed');
  }, 90000);
});
