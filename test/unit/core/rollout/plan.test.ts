import { parseConfig } from '../../../../config/load-config';
import {
  approvalRefusal,
  describeLapsed,
  eligibleApprovers,
  lapsedApprovals,
  needsApproval,
  requiredApprovals,
} from '../../../../src/core/approval-policy';
import { batchesOf, buildPlan, isOlder, planDrift, type PlanInput } from '../../../../src/core/rollout/plan';
import type { HostSnapshot } from '../../../../src/core/verb-result';
import { parseCommand } from '../../../../src/core/parse-command';
import { installArgv } from '../../../../src/worker/upgrade/install-command';
import { renderPlanCard } from '../../../../src/presentation';

const config = parseConfig(
  {
    ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/kh' },
    approvals: {
      approvers: { all: ['UADMIN1'], prod: ['UPROD1', 'UPROD2'], edges: ['UEDGE1'] },
      required: { prod: 2 },
      gated: [{ verb: 'stop', groups: ['prod'] }],
    },
    upgrade: { batchSize: 2 },
    hosts: [
      { name: 'edge-1', address: '10.0.0.1', groups: ['edges'] },
      { name: 'edge-2', address: '10.0.0.2', groups: ['edges'] },
      { name: 'edge-3', address: '10.0.0.3', groups: ['edges', 'prod'] },
      { name: 'origin-1', address: '10.0.1.1', groups: ['origins', 'prod'] },
      { name: 'edge-4', address: '10.0.0.4', groups: ['edges'] },
    ],
  },
  'test',
);

const running = (version: string, extra: Partial<HostSnapshot> = {}): HostSnapshot => ({
  state: 'running',
  apiUp: true,
  version,
  clients: 3,
  publishers: 1,
  streams: 1,
  ...extra,
});
const survey = (entries: Record<string, HostSnapshot>) => new Map(Object.entries(entries));
/** Every host of the inventory pinned, each with its own key. */
const keys = new Map(config.hosts.map((h, i) => [h.name, `SHA256:key${i + 1}`]));
const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  id: 'r-abc-123456',
  verb: 'upgrade',
  target: 'edges',
  version: '6.0.185',
  requestedBy: 'UOPER1',
  channelId: 'C0OPS',
  survey: survey({
    'edge-1': running('6.0.184'),
    'edge-2': running('6.0.184'),
    'edge-3': running('6.0.184'),
    'edge-4': running('6.0.184'),
  }),
  hostKeys: keys,
  now: 1000,
  ...over,
});

describe('rollout plans', () => {
  it('orders hosts as the inventory does, cuts batches, binds a hash, and lists who may approve', () => {
    const built = buildPlan(input(), config);
    if (!built.ok) throw new Error(built.error);
    const { plan } = built;
    expect(batchesOf(plan)).toEqual([
      ['edge-1', 'edge-2'],
      ['edge-3', 'edge-4'],
    ]);
    expect(plan.hosts[0]).toMatchObject({ name: 'edge-1', from: '6.0.184', clients: 3, publishers: 1 });
    expect(plan.requiredApprovals).toBe(2); // edge-3 is in prod
    expect(plan.approvers).toEqual(['UADMIN1', 'UEDGE1']); // approvers of every host; UPRODx cover only edge-3
    expect(plan.hash).toMatch(/^[a-f0-9]{64}$/);
    expect(plan.expiresAt).toBe(1000 + 30 * 60 * 1000);
  });

  it('skips hosts already at the version, refuses hosts that are not healthy, refuses nothing-to-do', () => {
    const skipped = buildPlan(
      input({
        survey: survey({
          'edge-1': running('6.0.185'),
          'edge-2': running('6.0.184'),
          'edge-3': running('6.0.184'),
          'edge-4': running('6.0.184'),
        }),
      }),
      config,
    );
    expect(skipped.ok && skipped.plan.skipped).toEqual([{ name: 'edge-1', reason: 'already runs 6.0.185' }]);
    expect(skipped.ok && batchesOf(skipped.plan)).toEqual([['edge-2', 'edge-3'], ['edge-4']]);
    const down = buildPlan(
      input({
        survey: survey({
          'edge-1': { state: 'stale_pid', apiUp: false },
          'edge-2': running('6.0.184'),
          'edge-3': running('6.0.184', { apiUp: false }),
        }),
      }),
      config,
    );
    expect(down.ok).toBe(false);
    expect(!down.ok && down.error).toMatch(/edge-1 is stale pid; edge-3: its API does not answer.*edge-4 is unknown/);
    const none = buildPlan(input({ target: 'edge-1', survey: survey({ 'edge-1': running('6.0.185') }) }), config);
    expect(!none.ok && none.error).toMatch(/nothing to do/);
  });

  it('a different plan has a different hash; the same plan the same', () => {
    const a = buildPlan(input(), config);
    const b = buildPlan(input({ now: 5000 }), config);
    const c = buildPlan(input({ upgradeOptions: { batchSize: 1 } }), config);
    const d = buildPlan(input({ version: '6.0.186' }), config);
    if (!a.ok || !b.ok || !c.ok || !d.ok) throw new Error('plans');
    expect(a.plan.hash).toBe(b.plan.hash);
    expect(new Set([a.plan.hash, c.plan.hash, d.plan.hash]).size).toBe(3);
  });

  it('drift: the same config means no drift; a host leaving or joining the target, or a stricter policy, is named', () => {
    const built = buildPlan(input(), config);
    if (!built.ok) throw new Error(built.error);
    expect(planDrift(built.plan, config, keys)).toBeUndefined();
    const fewer = { ...config, hosts: config.hosts.filter((h) => h.name !== 'edge-2') };
    expect(planDrift(built.plan, fewer, keys)).toBe('edge-2 is no longer in the inventory');
    const regrouped = { ...config, hosts: config.hosts.map((h) => (h.name === 'edge-2' ? { ...h, groups: ['spare'] } : h)) };
    expect(planDrift(built.plan, regrouped, keys)).toMatch(/edge-2 left the target/);
    const more = { ...config, hosts: [...config.hosts, { ...config.hosts[0]!, name: 'edge-9', address: '10.0.0.9' }] };
    expect(planDrift(built.plan, more, keys)).toMatch(/edge-9 joined the target/);
    const stricter = { ...config, approvals: { ...config.approvals, required: { prod: 3 } } };
    expect(planDrift(built.plan, stricter, keys)).toMatch(/approvals needed changed from 2 to 3/);
  });

  it("binds each host's machine: a name re-pointed elsewhere (same name, same version) changes the hash and is named", () => {
    const built = buildPlan(input(), config);
    if (!built.ok) throw new Error(built.error);
    const { plan } = built;
    expect(plan.hosts[1]?.identity).toEqual({
      address: '10.0.0.2',
      port: 22,
      user: 'srsops',
      srsRoot: '/usr/local/srs',
      serviceManager: 'initd',
      hostKey: 'SHA256:key2',
    });
    const repoint = (over: Partial<(typeof config.hosts)[number]>) => ({
      ...config,
      hosts: config.hosts.map((h) => (h.name === 'edge-2' ? { ...h, ...over } : h)),
    });
    const cases: Array<[ReturnType<typeof repoint>, ReadonlyMap<string, string>, RegExp]> = [
      [repoint({ address: '10.0.0.99' }), keys, /^edge-2 now points at another machine \(address 10\.0\.0\.2:22 → 10\.0\.0\.99:22\)$/],
      [repoint({ port: 2202 }), keys, /address 10\.0\.0\.2:22 → 10\.0\.0\.2:2202/],
      [repoint({ user: 'other' }), keys, /login user srsops → other/],
      [repoint({ srsRoot: '/opt/srs' }), keys, /SRS root \/usr\/local\/srs → \/opt\/srs/],
      [repoint({ serviceManager: 'systemd' }), keys, /service manager initd → systemd/],
      [
        config,
        new Map([...keys, ['edge-2', 'SHA256:another']]),
        /edge-2 now points at another machine \(pinned host key SHA256:key2 → SHA256:another\)/,
      ],
      [config, new Map([...keys].filter(([n]) => n !== 'edge-2')), /pinned host key SHA256:key2 → none pinned/],
    ];
    for (const [changed, hostKeys, words] of cases) {
      expect(planDrift(plan, changed, hostKeys)).toMatch(words);
      const again = buildPlan(input({ hostKeys }), changed);
      if (again.ok) expect(again.plan.hash).not.toBe(plan.hash); // the hash covers it too
    }
  });

  it('refuses to plan a host that known_hosts does not pin (the approval could not be bound to its key)', () => {
    const unpinned = buildPlan(input({ hostKeys: new Map([...keys].filter(([n]) => n !== 'edge-3')) }), config);
    expect(!unpinned.ok && unpinned.error).toMatch(/^no pinned host key for edge-3 in `ssh.knownHostsPath`/);
  });

  it('versions compare numerically', () => {
    expect(isOlder('6.0.99', '6.0.184')).toBe(true);
    expect(isOlder('6.0.184', '5.0.216')).toBe(false);
  });
});

describe('approval policy', () => {
  const hosts = config.hosts;
  const byName = (...names: string[]) => hosts.filter((h) => names.includes(h.name));
  it('upgrades always need approval; verbs as gated', () => {
    expect(needsApproval('upgrade', byName('edge-1'), config.approvals)).toBe(true);
    expect(needsApproval('stop', byName('edge-3'), config.approvals)).toBe(true);
    expect(needsApproval('stop', byName('edge-1'), config.approvals)).toBe(false);
    expect(needsApproval('restart', byName('edge-3'), config.approvals)).toBe(false);
  });
  it('requires the most any host asks for', () => {
    expect(requiredApprovals(byName('edge-1', 'edge-2'), config.approvals)).toBe(1);
    expect(requiredApprovals(byName('edge-1', 'origin-1'), config.approvals)).toBe(2);
  });
  it('four eyes, role per host, once per person', () => {
    const plan = { requestedBy: 'UADMIN1', hosts: byName('edge-1', 'edge-3'), approvedBy: [] as string[] };
    expect(approvalRefusal('UADMIN1', plan, config.approvals)).toMatch(/nobody approves their own request/);
    expect(approvalRefusal('UEDGE1', plan, config.approvals)).toBeUndefined(); // edges covers both
    expect(approvalRefusal('UPROD1', plan, config.approvals)).toMatch(/not an approver for edge-1/);
    expect(approvalRefusal('UEDGE1', { ...plan, approvedBy: ['UEDGE1'] }, config.approvals)).toMatch(/already approved/);
    expect(approvalRefusal('USTRANGER', plan, config.approvals)).toMatch(/not an approver for edge-1, edge-3/);
    expect(eligibleApprovers(plan.hosts, config.approvals, 'UADMIN1')).toEqual(['UEDGE1']);
  });
  it('earlier approvals are judged by the policy as it is now: one no longer entitled is named and does not count', () => {
    const plan = { requestedBy: 'UOPER1', hosts: byName('edge-1', 'edge-3') };
    expect(lapsedApprovals(['UADMIN1', 'UEDGE1'], plan, config.approvals)).toEqual([]);
    const removed = { ...config.approvals.approvers, edges: [] };
    const lapsed = lapsedApprovals(['UADMIN1', 'UEDGE1'], plan, { approvers: removed });
    expect(lapsed).toEqual([{ userId: 'UEDGE1', reason: 'not an approver for edge-1, edge-3 any more' }]);
    expect(describeLapsed(lapsed)).toBe("<@UEDGE1>'s approval no longer counts: not an approver for edge-1, edge-3 any more");
  });
});

describe('upgrade grammar', () => {
  it('reads target, version and flags', () => {
    expect(parseCommand('upgrade edges 6.0.185 --batch 3 --budget 1 --rollback')).toEqual({
      ok: true,
      command: { kind: 'upgrade', target: 'edges', version: '6.0.185', options: { batchSize: 3, failureBudget: 1, rollback: true } },
    });
    expect(parseCommand('abort r-mx51t6mp-b199cb --now')).toEqual({
      ok: true,
      command: { kind: 'abort', id: 'r-mx51t6mp-b199cb', now: true },
    });
    expect(parseCommand('jobs')).toEqual({ ok: true, command: { kind: 'jobs' } });
  });
  it.each([
    ['upgrade edges', /needs a target and a version/],
    ['upgrade edges 6.0', /is not an SRS version/],
    ['upgrade edges 6.0.1;reboot', /^`;` is not allowed/],
    ['upgrade edges $(id)', /^`\$` is not allowed/],
    ['upgrade edges 6.0.185 --batch 0', /--batch.*from 1 to 100/],
    ['upgrade edges 6.0.185 --batch x', /--batch.*from 1 to 100/],
    ['upgrade edges 6.0.185 --rollback --no-rollback', /not both/],
    ['upgrade edges 6.0.185 extra', /one target and one version/],
    ['abort edge-1', /is not a rollout id/],
    ['jobs all', /takes nothing/],
  ])('%s is refused with help', (text, error) => {
    const parsed = parseCommand(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });
});

describe('install command', () => {
  it('fills placeholders into separate arguments', () => {
    expect(
      installArgv(['/usr/local/bin/srs-install', '{version}', '--root', '{root}', '--from={previous}'], {
        version: '6.0.185',
        root: '/usr/local/srs',
        previous: '6.0.184',
      }),
    ).toEqual(['/usr/local/bin/srs-install', '6.0.185', '--root', '/usr/local/srs', '--from=6.0.184']);
  });
  it('refuses anything that is not a version, whatever reached it', () => {
    expect(() => installArgv(['x', '{version}'], { version: '6.0.1;reboot', root: '/r', previous: '6.0.1' })).toThrow(/not a version/);
    expect(() => installArgv(['x', '{version}'], { version: '6.0.1', root: '/r', previous: '$(id)' })).toThrow(/not a version/);
  });
});

describe('plan card', () => {
  it('names every host of a big plan, in sections Slack accepts, and binds the buttons to the plan hash', () => {
    const hosts = Array.from({ length: 200 }, (_, i) => ({
      name: `edge-${String(i + 1).padStart(3, '0')}`,
      address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      groups: ['edges'],
    }));
    const big = parseConfig(
      { ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/kh' }, approvals: { approvers: { all: ['UADMIN1'] } }, hosts },
      'big',
    );
    const built = buildPlan(
      {
        id: 'r-abc-123456',
        verb: 'upgrade',
        target: 'edges',
        version: '6.0.185',
        upgradeOptions: { batchSize: 1 },
        requestedBy: 'UOPER1',
        channelId: 'C0OPS',
        survey: new Map(hosts.map((h) => [h.name, running('6.0.184')])),
        hostKeys: new Map(hosts.map((h) => [h.name, 'SHA256:k'])),
        now: 0,
      },
      big,
    );
    if (!built.ok) throw new Error(built.error);
    const card = renderPlanCard(built.plan, [], 0);
    const blocks = card.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ value?: string }> }>;
    expect(blocks.length).toBeLessThanOrEqual(50);
    const shown = blocks.filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');
    for (const t of shown) expect(t.length).toBeLessThanOrEqual(3000);
    for (const h of hosts) expect(shown.join('\n')).toContain(`\`${h.name}\``);
    const buttons = blocks.find((b) => b.type === 'actions')?.elements ?? [];
    expect(buttons.map((e) => JSON.parse(e.value ?? '{}') as { hash: string }).every((v) => v.hash === built.plan.hash)).toBe(true);
  });
});
