import { parseSlotTurn } from '../../../../src/adapters/redis/group-slots-take';

describe('parseSlotTurn: the take script reply', () => {
  it('acquired', () => {
    expect(parseSlotTurn(['acquired'], ['origins'], [2])).toEqual({ kind: 'acquired' });
  });

  it('waiting: per blocking group (1-based index into the groups it was run with), rank, first report, holders, ahead', () => {
    const reply = ['waiting', [2, 1, 1, ['j1', 'j2'], ['origin-1', null], ['j0']]];
    expect(parseSlotTurn(reply, ['edges', 'origins'], [5, 2])).toEqual({
      kind: 'waiting',
      waits: [
        {
          group: 'origins',
          limit: 2,
          rank: 1,
          firstReport: true,
          holders: [
            { jobId: 'j1', host: 'origin-1' },
            { jobId: 'j2', host: '' },
          ],
          ahead: ['j0'],
        },
      ],
    });
  });

  it('refuses an unknown reply', () => {
    expect(() => parseSlotTurn(['what'], [], [])).toThrow(/unexpected reply what/);
  });
});
