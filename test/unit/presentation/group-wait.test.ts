import { groupLineText, ordinal, renderGroupWait, renderGroupWaitMany } from '../../../src/presentation/group-wait';

describe('group waits as the thread and /srs jobs show them', () => {
  it('ordinals: 1st 2nd 3rd 4th, 11th-13th, 21st 22nd 101st 111th', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
      '112th',
    ]);
  });

  it('a waiting host: the group, its limit, the hosts changing now and the place in line', () => {
    const m = renderGroupWait({ host: 'origin-3', group: 'origins', limit: 2, position: 1, holding: ['origin-1', 'origin-2'] });
    expect(m.text).toMatch(
      /^:hourglass: `origin-3` waits: `origins` allows 2 hosts changing at once \(`origin-1`, `origin-2` now\); 1st in line\./,
    );
    expect(m.blocks).toHaveLength(1);
    const one = renderGroupWait({ host: 'o-9', group: 'g', limit: 1, position: 3, holding: [] });
    expect(one.text).toContain('allows 1 host changing at once; 3rd in line');
    const many = renderGroupWait({ host: 'x', group: 'g', limit: 7, position: 2, holding: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] });
    expect(many.text).toContain('`e` +2 now');
  });

  it('escapes what it echoes (host and group names come from the inventory)', () => {
    const m = renderGroupWait({ host: '<!here>', group: 'g`x', limit: 2, position: 1, holding: ['<@U1>'] });
    expect(m.text).not.toContain('<!here>');
    expect(m.text).not.toContain('<@U1>');
    expect(renderGroupWaitMany({ host: 'x', group: 'origins', limit: 2, position: 4, holding: [] }).text).toContain(
      '`origins` allows 2 hosts changing at once, whoever asks',
    );
  });

  it('/srs jobs: holders, then the line in order with job ids', () => {
    const line = {
      group: 'origins',
      holding: [
        { jobId: 'r1-origin-1', host: 'origin-1' },
        { jobId: 'r2-origin-2', host: 'origin-2' },
      ],
      waiting: [
        { jobId: 'r3-origin-3', host: 'origin-3' },
        { jobId: 'r4-origin-1', host: 'origin-1' },
      ],
    };
    expect(groupLineText(line, 2)).toBe(
      'origins: 2 of 2 changing (origin-1, origin-2); waiting: 1. origin-3 (r3-origin-3), 2. origin-1 (r4-origin-1)',
    );
    expect(groupLineText({ group: 'edges', holding: [], waiting: [] }, undefined)).toBe('edges: 0 changing; nobody waiting');
  });
});
