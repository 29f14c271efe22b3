import { drainCount, drainOfQuit } from '../../../../src/core/grace/drain-count';
import type { GraceProgress } from '../../../../src/core/grace/grace-progress';

const progress = (over: Partial<GraceProgress> = {}): GraceProgress => ({
  host: 'edge-1',
  stage: 'exited',
  pid: 10,
  settings: { startWaitMs: 2300, finalWaitMs: 3200, forceGraceQuit: false },
  samples: [],
  escalations: [],
  signalAt: 1000,
  deadlineAt: 61000,
  ...over,
});

describe('the drain count of a graceful quit', () => {
  it('every viewer left by itself: drained is the start count, nobody forced off, no deadline', () => {
    const p = progress({ playersAtStart: 3, publishersAtStart: 0, drainedAt: 5000, dropped: 0, exitedAt: 9000 });
    expect(drainCount(p)).toEqual({ atStart: 3, drained: 3, forcedOff: 0, dropped: 0, deadlineHit: false });
  });

  it('one stuck viewer forced off at the deadline: forcedOff 1, the others drained, deadline hit', () => {
    const p = progress({
      playersAtStart: 3,
      publishersAtStart: 0,
      deadlineAt: 4000,
      forcedOff: 1,
      dropped: 0,
      exitedAt: 4500,
      escalations: ['SIGINT at 3s by automatic escalation (the rolling plan)'],
    });
    expect(drainCount(p)).toEqual({ atStart: 3, drained: 2, forcedOff: 1, dropped: 0, deadlineHit: true });
  });

  it('publishers count: they are media clients the host counts with the viewers', () => {
    const p = progress({ playersAtStart: 2, publishersAtStart: 1, forcedOff: 1, exitedAt: 70000 });
    expect(drainCount(p)).toEqual({ atStart: 3, drained: 2, forcedOff: 1, dropped: 0, deadlineHit: true });
  });

  it('an SRS that does not drain drops its clients at exit: none drained', () => {
    const p = progress({ playersAtStart: 2, publishersAtStart: 1, drains: false, dropped: 3, exitedAt: 3000 });
    expect(drainCount(p)).toEqual({ atStart: 3, drained: 0, forcedOff: 0, dropped: 3, deadlineHit: false });
  });

  it('a force quit asked before the deadline is no deadline hit; a client that came during the start wait is counted as arrived, never making drained negative', () => {
    const p = progress({ playersAtStart: 1, publishersAtStart: 0, forcedOff: 2, exitedAt: 5000 });
    expect(drainCount(p)).toEqual({ atStart: 1, arrived: 1, drained: 0, forcedOff: 2, dropped: 0, deadlineHit: false });
  });

  it('without a start count nothing is claimed drained; a quit still going is judged at `now`', () => {
    const p = progress({ stage: 'draining', exitedAt: undefined, deadlineAt: 5000 });
    expect(drainCount(p, 4000)).toEqual({ drained: 0, forcedOff: 0, dropped: 0, deadlineHit: false });
    expect(drainCount(p, 6000).deadlineHit).toBe(true);
  });

  it('no count for a quit that was never sent', () => {
    expect(drainOfQuit(progress({ signalAt: undefined, stage: 'preflight' }))).toBeUndefined();
    expect(drainOfQuit(progress({ playersAtStart: 0, exitedAt: 2000 }))).toEqual({
      atStart: 0,
      drained: 0,
      forcedOff: 0,
      dropped: 0,
      deadlineHit: false,
    });
  });
});
