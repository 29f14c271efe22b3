import { faultRow } from '../../support/fault-record';

describe('fault rows: computed from what the fault test saw', () => {
  it('a request answered and audited is not lost; the row survived', () => {
    expect(faultRow({ fault: 'f', injected: 2, requests: [{ requestId: 'r-1', answered: true, audited: true }] })).toEqual({
      fault: 'f',
      injected: 2,
      accepted: 1,
      answered: 1,
      audited: 1,
      requestsLost: 0,
      survived: true,
      lost: [],
    });
  });

  it('a request never answered, or answered but never audited, is lost, and the row says so', () => {
    const row = faultRow({
      fault: 'f',
      injected: 1,
      requests: [
        { requestId: 'r-1', answered: true, audited: true },
        { requestId: 'r-2', answered: false, audited: true },
        { requestId: 'r-3', answered: true, audited: false },
      ],
    });
    expect(row).toMatchObject({ accepted: 3, answered: 2, audited: 2, requestsLost: 2, survived: false, lost: ['r-2', 'r-3'] });
  });

  it('no request seen: not survived (a row cannot claim what it did not see)', () => {
    expect(faultRow({ fault: 'f', injected: 1, requests: [] })).toMatchObject({ accepted: 0, requestsLost: 0, survived: false });
  });

  it('verb runs below the audit log: audited is n/a (null), answered alone decides', () => {
    expect(faultRow({ fault: 'f', injected: 1, requests: [{ requestId: 'h stop', answered: true, audited: null }] })).toMatchObject({
      audited: null,
      requestsLost: 0,
      survived: true,
    });
    expect(faultRow({ fault: 'f', injected: 1, requests: [{ requestId: 'h stop', answered: false, audited: null }] })).toMatchObject({
      requestsLost: 1,
      survived: false,
    });
  });
});
