import { parseConfig } from '../../../../config/load-config';
import { groupLimitsFor, hostJobId, hostJobs } from '../../../../src/core/jobs/host-jobs';
import { inventorySnapshot } from '../../../../src/core/inventory/inventory-snapshot';

describe('hostJobs', () => {
  const config = parseConfig(
    {
      ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' },
      bastions: [{ name: 'b1', address: '10.9.0.1' }],
      hosts: [
        { name: 'edge-1', address: '10.0.0.1', jump: 'b1', become: 'sudo', user: 'ops' },
        { name: 'edge-2', address: '10.0.0.2' },
      ],
    },
    'test',
  );
  const snapshot = inventorySnapshot(config, { kind: 'config', path: '/c.yml' }, 0);

  it('one job per host, each carrying its entry, its SSH target (jump chain) and the inventory digest', () => {
    const jobs = hostJobs('r-1', ['edge-1', 'edge-2'], { verb: 'status', requestedBy: 'U1', enqueuedAt: 7 }, { snapshot, ssh: config.ssh });
    expect(jobs.map((j) => j.jobId)).toEqual([hostJobId('r-1', 'edge-1'), hostJobId('r-1', 'edge-2')]);
    expect(jobs[0]).toMatchObject({
      host: 'edge-1',
      entry: { name: 'edge-1', become: 'sudo', user: 'ops', jump: ['b1'] },
      target: {
        name: 'edge-1',
        address: '10.0.0.1',
        port: 22,
        user: 'ops',
        jump: [{ name: 'b1', address: '10.9.0.1', port: 22, user: 'srsops' }],
      },
      inventoryDigest: snapshot.digest,
    });
    expect(jobs[1]?.target).toEqual({ name: 'edge-2', address: '10.0.0.2', port: 22, user: 'srsops' });
    // Plain JSON: what BullMQ stores is what the worker reads.
    expect(JSON.parse(JSON.stringify(jobs))).toEqual(jobs);
  });

  it('a host the inventory does not have gets no entry (the worker then answers it has no such host)', () => {
    const [job] = hostJobs('r-2', ['edge-9'], { verb: 'status', requestedBy: 'U1', enqueuedAt: 7 }, { snapshot, ssh: config.ssh });
    expect(job?.entry).toBeUndefined();
    expect(job?.target).toBeUndefined();
  });

  it("a state-changing job carries the limits of hosts changing at once of the host's groups (policy: rolling.groups)", () => {
    const withGroups = parseConfig(
      {
        ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' },
        rolling: { groups: { origins: { concurrency: 2 }, eu: { concurrency: 5 }, edges: { batch: 2 } } },
        hosts: [
          { name: 'origin-1', address: '10.0.0.1', groups: ['origins', 'eu'] },
          { name: 'edge-1', address: '10.0.0.2', groups: ['edges'] },
        ],
      },
      'test',
    );
    const snap = inventorySnapshot(withGroups, { kind: 'config', path: '/c.yml' }, 0);
    const inv = { snapshot: snap, ssh: withGroups.ssh, rolling: withGroups.rolling };
    const [origin, edge] = hostJobs('r-3', ['origin-1', 'edge-1'], { verb: 'restart', requestedBy: 'U1', enqueuedAt: 7 }, inv);
    expect(origin?.groupLimits).toEqual({ origins: 2, eu: 5 });
    expect(edge?.groupLimits).toBeUndefined(); // edges has a policy but no concurrency
    // Reading changes nothing: a status never waits for a slot.
    const [status] = hostJobs('r-4', ['origin-1'], { verb: 'status', requestedBy: 'U1', enqueuedAt: 7 }, inv);
    expect(status?.groupLimits).toBeUndefined();
    // No policy given (an older caller): no limits.
    expect(
      hostJobs('r-5', ['origin-1'], { verb: 'stop', requestedBy: 'U1', enqueuedAt: 7 }, { snapshot: snap, ssh: withGroups.ssh })[0]
        ?.groupLimits,
    ).toBeUndefined();
  });

  it('groupLimitsFor: every state-changing verb and upgrades, one limit per limited group', () => {
    const rolling = { groups: { a: { concurrency: 1 }, b: {} } };
    for (const verb of ['restart', 'stop', 'start', 'reload', 'grace', 'upgrade'] as const) {
      expect(groupLimitsFor(verb, ['a', 'b', 'c'], rolling)).toEqual({ a: 1 });
    }
    expect(groupLimitsFor('status', ['a'], rolling)).toBeUndefined();
    expect(groupLimitsFor('restart', ['b', 'c'], rolling)).toBeUndefined();
  });
});
