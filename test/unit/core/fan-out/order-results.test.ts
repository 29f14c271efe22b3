import { needsLook, orderFanOutResults } from '../../../../src/core/fan-out/order-results';

describe('orderFanOutResults: failures first, then by name', () => {
  it('failed, unknown, refused, then ok and unchanged, names compared with their numbers', () => {
    const rows = [
      { host: 'edge-10', outcome: 'ok' as const },
      { host: 'edge-2', outcome: 'noop' as const },
      { host: 'edge-3', outcome: 'refused' as const },
      { host: 'edge-1', outcome: 'unknown' as const },
      { host: 'edge-9', outcome: 'failed' as const },
      { host: 'edge-11', outcome: 'failed' as const },
      { host: 'a-1', outcome: 'ok' as const },
    ];
    expect(orderFanOutResults(rows).map((r) => r.host)).toEqual(['edge-9', 'edge-11', 'edge-1', 'edge-3', 'a-1', 'edge-2', 'edge-10']);
    expect(rows.filter(needsLook).map((r) => r.host)).toEqual(['edge-3', 'edge-1', 'edge-9', 'edge-11']);
  });

  it('1,000 hosts in a few milliseconds', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      host: `edge-${(i * 7919) % 1000}`,
      outcome: i % 50 === 0 ? ('failed' as const) : ('ok' as const),
    }));
    const started = performance.now();
    const sorted = orderFanOutResults(rows);
    expect(performance.now() - started).toBeLessThan(200);
    expect(sorted.slice(0, 20).every((r) => r.outcome === 'failed')).toBe(true);
    expect(sorted[20]?.host).toBe('edge-1');
  });
});
