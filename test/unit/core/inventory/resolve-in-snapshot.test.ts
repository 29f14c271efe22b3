import { resolveInSnapshot } from '../../../../src/core/inventory/resolve-in-snapshot';

const snapshotOf = (n: number) => ({
  hosts: Array.from({ length: n }, (_, i) => ({ name: `edge-${i + 1}`, groups: i % 2 === 0 ? ['even'] : ['odd'] })),
});

describe('resolveInSnapshot: a target resolved once per inventory snapshot', () => {
  it('resolves like resolveTargets and answers the same target again from memory', () => {
    const snap = snapshotOf(1000);
    const first = resolveInSnapshot(snap, 'all');
    expect(first).toMatchObject({ ok: true });
    expect(first.ok && first.hosts).toHaveLength(1000);
    expect(resolveInSnapshot(snap, 'all')).toBe(first);
    const even = resolveInSnapshot(snap, 'even');
    expect(even.ok && even.hosts.slice(0, 2)).toEqual(['edge-1', 'edge-3']);
  });

  it('a new snapshot (a reload) resolves anew, and errors are remembered like answers', () => {
    const before = resolveInSnapshot(snapshotOf(3), 'all');
    const after = resolveInSnapshot(snapshotOf(4), 'all');
    expect(after).not.toBe(before);
    expect(after.ok && after.hosts).toHaveLength(4);
    const snap = snapshotOf(3);
    const unknown = resolveInSnapshot(snap, 'edge-30');
    expect(unknown).toMatchObject({ ok: false, error: expect.stringContaining('unknown host edge-30') as unknown });
    expect(resolveInSnapshot(snap, 'edge-30')).toBe(unknown);
  });
});
