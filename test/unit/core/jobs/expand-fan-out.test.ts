import { parseConfig } from '../../../../config/load-config';
import { expandFanOut } from '../../../../src/core/jobs/expand-fan-out';
import { hostJobs } from '../../../../src/core/jobs/host-jobs';
import { inventorySnapshot } from '../../../../src/core/inventory/inventory-snapshot';
import { fanOutJobId, type FanOutJob } from '../../../../src/ports/job-queue-port';

describe('expandFanOut: a request-level job into the host jobs the bot would have queued', () => {
  const config = parseConfig(
    {
      ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' },
      bastions: [{ name: 'b1', address: '10.9.0.1' }],
      hosts: Array.from({ length: 12 }, (_, i) => ({
        name: `edge-${i + 1}`,
        address: `10.0.0.${i + 1}`,
        groups: [i < 6 ? 'east' : 'west'],
        ...(i === 0 ? { jump: 'b1' } : {}),
      })),
    },
    'test',
  );
  const snapshot = inventorySnapshot(config, { kind: 'config', path: '/c.yml' }, 0);
  const job = (target: string, digest = snapshot.digest): FanOutJob => ({
    v: 1,
    kind: 'fanout',
    jobId: fanOutJobId('r-1'),
    requestId: 'r-1',
    verb: 'status',
    target,
    hostCount: 12,
    inventoryDigest: digest,
    ssh: { user: 'srsops' },
    requestedBy: 'U1',
    enqueuedAt: 5,
  });

  it('the same jobs as hostJobs on the resolved hosts, in inventory order', () => {
    const out = expandFanOut(job('west,edge-1'), snapshot);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.hosts).toEqual(['edge-1', 'edge-7', 'edge-8', 'edge-9', 'edge-10', 'edge-11', 'edge-12']);
    expect(out.jobs).toEqual(
      hostJobs('r-1', out.hosts, { verb: 'status', requestedBy: 'U1', enqueuedAt: 5 }, { snapshot, ssh: config.ssh }),
    );
    expect(out.jobs[0]?.target?.jump).toEqual([{ name: 'b1', address: '10.9.0.1', port: 22, user: 'srsops' }]);
  });

  it('refuses another snapshot than the one the bot accepted with, and a target that no longer resolves', () => {
    expect(expandFanOut(job('all', 'f'.repeat(64)), snapshot)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('ffffffffffff') as unknown,
    });
    expect(expandFanOut(job('north'), snapshot)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('unknown host north') as unknown,
    });
  });
});
