import { createLogger } from '../../../../src/adapters/logger';
import type { BotDeps } from '../../../../src/bot/bot-deps';
import { listJobs } from '../../../../src/bot/list-jobs';
import { plural } from '../../../../src/core/text/plural';

describe('counts are written with plural()', () => {
  it('plural: one, many, none', () => {
    expect(plural(1, 'client')).toBe('1 client');
    expect(plural(0, 'client')).toBe('0 clients');
    expect(plural(3, 'more host')).toBe('3 more hosts');
  });

  it('/srs jobs: a plan on one host needing one approval is "1 host", "of 1 approval"', async () => {
    const plan = {
      id: 'r-1',
      verb: 'restart',
      target: 'edge-1',
      hosts: [{ name: 'edge-1' }],
      requestedBy: 'U1',
      requiredApprovals: 1,
      createdAt: 0,
      expiresAt: 60_000,
    };
    const deps = {
      approvals: { pending: () => Promise.resolve([{ plan, approvedBy: [] }]) },
      rollouts: { active: () => Promise.resolve([]), get: () => Promise.resolve(undefined) },
      queue: { hostQueues: () => Promise.resolve(new Map()), fanOutLines: () => Promise.resolve([]) },
      config: { hosts: [{ name: 'edge-1' }] },
      inventory: { current: () => ({ hosts: [{ name: 'edge-1' }] }) },
      logger: createLogger('test'),
      now: () => 1000,
    } as unknown as BotDeps;
    const text = (await listJobs(deps)).ephemeral.text;
    expect(text).toContain('restart edge-1 (1 host) by U1: 0 of 1 approval,');
    expect(text).not.toMatch(/\b1 (hosts|approvals)\b/);
  });
});
