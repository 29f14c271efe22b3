import { blastRadius, confirmReason } from '../../../../src/core/rollout/blast-radius';
import type { PlanHost } from '../../../../src/core/rollout/plan';

const host = (name: string, batch: number, clients?: number, publishers?: number, publishedStreams?: string[]): PlanHost => ({
  name,
  batch,
  state: 'running',
  apiUp: clients !== undefined,
  ...(clients !== undefined ? { clients } : {}),
  ...(publishers !== undefined ? { publishers } : {}),
  ...(publishedStreams !== undefined ? { publishedStreams } : {}),
});

describe('blastRadius', () => {
  const hosts = [host('edge-1', 0, 10, 1, ['live/a']), host('edge-2', 0, 5, 0), host('edge-3', 1)];

  it('adds up viewers and publishers, lists streams that lose their publisher and hosts it could not count', () => {
    expect(blastRadius({ verb: 'restart', hosts })).toEqual({
      hosts: 3,
      batches: 2,
      viewers: 15,
      publishers: 1,
      streamsLosingPublisher: ['edge-1: live/a'],
      uncounted: ['edge-3'],
    });
  });

  it('a reload or a rotate takes no stream down', () => {
    expect(blastRadius({ verb: 'reload', hosts }).streamsLosingPublisher).toEqual([]);
  });
});

describe('confirmReason', () => {
  const radius = { hosts: 6, batches: 3, viewers: 40, publishers: 2, streamsLosingPublisher: [], uncounted: [] };
  it('asks when more hosts or more viewers than the policy allows', () => {
    expect(confirmReason(radius, { hosts: 5, viewers: 100 })).toBe('6 hosts (more than `confirm.hosts` = 5)');
    expect(confirmReason(radius, { hosts: 10, viewers: 39 })).toBe('40 live viewers (more than `confirm.viewers` = 39)');
    expect(confirmReason(radius, { hosts: 6, viewers: 40 })).toBeUndefined();
  });
});
