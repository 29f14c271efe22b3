import { parseConfig } from '../../../../../config/load-config';
import { createLogger } from '../../../../../src/adapters/logger';
import { jobHost } from '../../../../../src/adapters/bullmq/worker/job-host';
import type { JobContext } from '../../../../../src/adapters/bullmq/worker/job-context';
import { hostJobs } from '../../../../../src/core/jobs/host-jobs';
import { inventoryDigest, inventorySnapshot } from '../../../../../src/core/inventory/inventory-snapshot';
import type { HostJob } from '../../../../../src/ports/job-queue-port';

const ssh = { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' };

describe("jobHost: the worker runs a job with the job's host entry, not its own list", () => {
  // The bot's inventory: edge-1 moved to 10.0.0.11 behind a bastion, edge-3 added.
  const bot = parseConfig(
    {
      ssh,
      bastions: [{ name: 'b1', address: '10.9.0.1' }],
      hosts: [
        { name: 'edge-1', address: '10.0.0.11', jump: 'b1' },
        { name: 'edge-3', address: '10.0.0.3' },
      ],
    },
    'bot',
  );
  // The worker's own (stale) file.
  const own = parseConfig({ ssh, hosts: [{ name: 'edge-1', address: '10.0.0.1' }] }, 'worker');
  const ctx = {
    opts: { logger: createLogger('test'), workerId: 'w1' },
    hostsByName: new Map(own.hosts.map((h) => [h.name, h])),
    inventoryDigest: inventoryDigest(own),
  } as unknown as JobContext;
  const snapshot = inventorySnapshot(bot, { kind: 'config', path: '/bot.yml' }, 0);
  const job = (host: string): HostJob => {
    const [j] = hostJobs('r-1', [host], { verb: 'status', requestedBy: 'U1', enqueuedAt: 0 }, { snapshot, ssh: bot.ssh });
    if (!j) throw new Error('no job');
    return JSON.parse(JSON.stringify(j)) as HostJob; // as BullMQ hands it back
  };

  it("uses the carried entry and target, whatever the worker's file says", () => {
    const found = jobHost(ctx, job('edge-1'));
    expect(found).toMatchObject({
      kind: 'carried',
      host: { name: 'edge-1', address: '10.0.0.11', jump: ['b1'] },
      target: { address: '10.0.0.11', jump: [{ name: 'b1', address: '10.9.0.1', port: 22, user: 'srsops' }] },
    });
    // A host the worker's file does not have at all runs too.
    expect(jobHost(ctx, job('edge-3'))).toMatchObject({ kind: 'carried', host: { name: 'edge-3' } });
  });

  it("falls back to the worker's own entry for a job without one (an older bot), and says when it has none", () => {
    const { entry: _e, target: _t, inventoryDigest: _d, ...old } = job('edge-1');
    expect(jobHost(ctx, old)).toMatchObject({ kind: 'own', host: { address: '10.0.0.1' } });
    expect(jobHost(ctx, { ...old, host: 'edge-3', jobId: 'r-1-edge-3' })).toEqual({ kind: 'unknown' });
  });

  it('refuses a malformed entry or target: bad field, wrong host, target not pointing at the entry, one without the other', () => {
    const good = job('edge-1');
    const cases: HostJob[] = [
      { ...good, entry: { ...good.entry, address: 'x; rm -rf /' } as HostJob['entry'] },
      { ...good, entry: { ...good.entry, extra: 1 } as unknown as HostJob['entry'] },
      { ...good, host: 'edge-2' },
      { ...good, target: { ...good.target, address: '10.6.6.6' } as HostJob['target'] },
      { ...good, target: { ...good.target, port: 0 } as HostJob['target'] },
      { ...good, target: undefined },
    ];
    for (const c of cases) expect(jobHost(ctx, c)).toMatchObject({ kind: 'malformed', reason: expect.any(String) as string });
  });
});
