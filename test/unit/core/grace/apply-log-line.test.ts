import { applyLogLine } from '../../../../src/core/grace/apply-log-line';
import { parseGraceButtonValue } from '../../../../src/core/grace/grace-actions';
import { addSample, drainsOnQuit, trendOf, type GraceProgress } from '../../../../src/core/grace/grace-progress';
import { renderGraceBoard, renderGraceDeadlinePrompt, renderGraceLine } from '../../../../src/presentation';
import { parseGraceSettings } from '../../../../src/worker/grace/read-grace-settings';

function fresh(host = 'edge-1'): GraceProgress {
  return {
    host,
    stage: 'preflight',
    settings: { startWaitMs: 2300, finalWaitMs: 3200, forceGraceQuit: false },
    samples: [],
    escalations: [],
  };
}

describe('graceful-quit core', () => {
  it('follows the stage lines of contract section 4 in order', () => {
    const p = fresh();
    const seen: Array<string | undefined> = [];
    const lines = [
      'sig=3, user start gracefully quit',
      'cleanup for quit signal fast=0, grace=1',
      'start wait for 2300ms',
      'listeners closed',
      'wait for 3 conns to quit',
      'wait for 1 conns to quit',
      'wait for 0 conns to quit',
      'source disposed',
      'final wait for 3200ms',
      'srs gracefully quit',
      'srs terminated',
    ];
    const stages: string[] = [];
    for (const [i, l] of lines.entries()) {
      seen.push(applyLogLine(p, `[2026-11-26 10:00:0${i}.000][INFO][42][x] ${l}`, 1000 * i));
      stages.push(p.stage);
    }
    expect(seen.filter(Boolean)).toEqual(['listeners_closed', 'drained']);
    // SRS logs `final wait for` when the final wait ENDS: the final wait runs from `wait for 0 conns` on.
    expect(stages).toEqual([
      'start_wait',
      'start_wait',
      'start_wait',
      'listeners_closed',
      'draining',
      'draining',
      'final_wait',
      'final_wait',
      'terminated',
      'terminated',
      'terminated',
    ]);
    expect(p.loggedConns).toBe(0);
    expect(p.drainStartAt).toBe(3000);
    expect(p.drainedAt).toBe(6000);
  });

  it('with no client SRS logs no `wait for N conns`: the drain is over at `source disposed`, once', () => {
    const p = fresh();
    const got = [
      'sig=3, user start gracefully quit',
      'start wait for 300ms',
      'listeners closed',
      'ingesters stopped',
      'source disposed',
      'final wait for 300ms',
      'srs terminated',
    ].map((l, i) => applyLogLine(p, l, i));
    expect(got.filter(Boolean)).toEqual(['listeners_closed', 'drained']);
  });

  it('a drain cut short by SIGINT is not "drained"', () => {
    const p = { ...fresh(), stage: 'escalating' as const, escalations: ['SIGINT at 5s by U1'] };
    expect(
      ['wait for 3 conns to quit', 'source disposed', 'final wait for 300ms'].map((l, i) => applyLogLine(p, l, i)).filter(Boolean),
    ).toEqual([]);
    expect(p.drainedAt).toBeUndefined();
  });

  it('SRS 5.0 takes SIGQUIT without a start wait: its stage says it exits without draining', () => {
    const p: GraceProgress = {
      ...fresh(),
      version: '5.0.216',
      drains: false,
      stage: 'signal_sent',
      signalAt: 0,
      clients: 3,
      playersAtStart: 2,
      publishersAtStart: 1,
    };
    for (const l of ['sig=3, user start gracefully quit', 'cleanup for quit signal fast=0, grace=1', 'quit for thread #2(hybrid) finished'])
      applyLogLine(p, l, 100);
    expect(p.stage).toBe('no_drain');
    const line = renderGraceLine(p, 900);
    expect(line).toContain(
      'signal received; SRS 5.0.216 does not drain: it exits within about 2 s of SIGQUIT and drops the 3 clients still connected',
    );
    expect(line).not.toMatch(/grace_start_wait|listeners close/);
  });

  it('knows which versions drain (issue 3805: fixed in 6.0.132)', () => {
    expect(['5.0.216', '5.0.1', '6.0.131'].map(drainsOnQuit)).toEqual([false, false, false]);
    expect(['6.0.132', '6.0.157', '7.0.10', undefined, 'weird'].map(drainsOnQuit)).toEqual([true, true, true, true, true]);
  });

  it('keeps a short trend', () => {
    const p = fresh();
    for (const [t, n] of [
      [0, 5],
      [1, 5],
      [2, 4],
      [3, 3],
      [4, 3],
      [5, 2],
      [6, 1],
      [7, 1],
      [8, 0],
    ] as const)
      addSample(p, t, n);
    expect(p.samples.length).toBeLessThanOrEqual(6);
    expect(trendOf(p)).toBe('falling');
  });

  it('renders one line per host with elapsed time and deadline, and the deadline buttons', () => {
    const a = {
      ...fresh('edge-1'),
      stage: 'draining' as const,
      signalAt: 0,
      drainStartAt: 2300,
      deadlineAt: 600000,
      clients: 3,
      playersAtStart: 5,
      samples: [
        [0, 5],
        [1000, 3],
      ] as Array<[number, number]>,
    };
    const b = { ...fresh('edge-2'), stage: 'exited' as const, signalAt: 0, exitedAt: 8000, deadlineAt: 600000 };
    const board = renderGraceBoard('grace', [a, b], 42000);
    expect(board.text).toContain('*Graceful quit*: 1/2 hosts done');
    expect(board.text).toMatch(
      /edge-1\* listeners closed; 3 clients left \(was 5: 5 players, falling\), draining for 39s · elapsed 42s · deadline in 9m 18s/,
    );
    expect(board.text).toMatch(/edge-2\* exited after 8s: process ended, media ports closed · elapsed 8s · deadline 10m 0s/);
    expect(renderGraceLine({ ...a, clients: 1, playersAtStart: 4, publishersAtStart: 1 }, 42000)).toMatch(
      /listeners closed; 1 client left \(was 5: 4 players, 1 publisher, falling\)/,
    );
    expect(renderGraceLine({ ...a, deadlineAt: 30000 }, 42000)).toMatch(/deadline passed 12s ago/);
    const prompt = renderGraceDeadlinePrompt(a, { requestId: 'r-1', jobId: 'r-1-edge-1', host: 'edge-1' }, 300000, 42000);
    const actions = (prompt.blocks ?? []).find((x) => (x as { type: string }).type === 'actions') as {
      elements: Array<{ action_id: string; value: string }>;
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['srs_grace_force', 'srs_grace_extend', 'srs_grace_leave']);
    expect(parseGraceButtonValue(actions.elements[0]?.value)).toEqual({ requestId: 'r-1', jobId: 'r-1-edge-1', host: 'edge-1' });
  });

  it('refuses forged button values', () => {
    expect(parseGraceButtonValue('{"requestId":"r","jobId":"j; rm -rf /","host":"h"}')).toBeUndefined();
    expect(parseGraceButtonValue('not json')).toBeUndefined();
    expect(parseGraceButtonValue('x'.repeat(600))).toBeUndefined();
    expect(parseGraceButtonValue(undefined)).toBeUndefined();
  });

  it('reads grace settings from the config, overridden by the process environment', () => {
    expect(parseGraceSettings('conf_start_wait=300\nconf_final_wait=\nconf_force=on\ngrace=done\n')).toEqual({
      startWaitMs: 300,
      finalWaitMs: 3200,
      forceGraceQuit: true,
    });
    expect(parseGraceSettings('conf_start_wait=300\nenv_SRS_GRACE_START_WAIT=900\nenv_SRS_FORCE_GRACE_QUIT=off\nconf_force=on\n')).toEqual({
      startWaitMs: 900,
      finalWaitMs: 3200,
      forceGraceQuit: false,
    });
  });
});
