import { renderFailoverLine } from '../../../src/presentation/failover-line';

const f = (at: string, from: string, to: string) => ({ at: Date.parse(at), name: 'm', from, to });

describe('renderFailoverLine', () => {
  it('says when and between which primaries, and that nothing was lost only when every host answered once', () => {
    const one = [f('2026-12-07T12:03:04Z', '10.0.0.1:6379', '10.0.0.2:6379')];
    expect(renderFailoverLine(one, true)).toBe(
      ':arrows_counterclockwise: Redis failed over at 12:03:04 UTC (10.0.0.1:6379 → 10.0.0.2:6379) while this ran; every host answered once.',
    );
    expect(renderFailoverLine(one, false)).toBe(
      ':arrows_counterclockwise: Redis failed over at 12:03:04 UTC (10.0.0.1:6379 → 10.0.0.2:6379) while this ran.',
    );
  });

  it('lists several failovers, and says nothing without one', () => {
    const two = [f('2026-12-07T12:03:04Z', 'a:1', 'b:1'), f('2026-12-07T12:05:00Z', 'b:1', 'a:1')];
    expect(renderFailoverLine(two, false)).toMatch(/failed over 2 times: at 12:03:04 UTC \(a:1 → b:1\), at 12:05:00 UTC \(b:1 → a:1\)/);
    expect(renderFailoverLine([], true)).toBe('');
  });
});
