import type { VerbResult } from '../../../src/core/verb-result';
import { FAILURE_LINES_MAX, FAILURE_REPLIES_MAX, renderFanOutFailures } from '../../../src/presentation/fan-out-failures';
import { validateMessageBlocks } from '../../support/slack/block-validation';

function failed(host: string, evidence: string[] = ['connect ECONNREFUSED 10.0.0.1:22']): VerbResult {
  const unknown = { state: 'unknown' as const, apiUp: false };
  return {
    v: 1,
    host,
    verb: 'status',
    outcome: 'unknown',
    summary: 'host not reachable',
    before: unknown,
    after: unknown,
    evidence,
    exitCode: null,
    durationMs: 5000,
    output: '',
    errorCode: 'ssh_unreachable',
  };
}

describe('renderFanOutFailures: the hosts that need a look, as a few compact replies', () => {
  it('nothing failed: no reply', () => {
    expect(renderFanOutFailures([])).toEqual([]);
  });

  it('3 failures: one reply, a line each with its evidence, no pointer to the table', () => {
    const messages = renderFanOutFailures([failed('edge-1'), failed('edge-2'), failed('edge-3')]);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text.split('\n').filter((l) => l.startsWith(':grey_question: *edge-'))).toHaveLength(3);
    expect(messages[0]?.text).toContain('connect ECONNREFUSED');
    expect(messages[0]?.text).not.toContain('see the table');
  });

  it(`500 failures: at most ${FAILURE_LINES_MAX} hosts in at most ${FAILURE_REPLIES_MAX} replies, the rest counted and pointed to the table`, () => {
    const many = Array.from({ length: 500 }, (_, i) => failed(`edge-${i}`));
    const messages = renderFanOutFailures(many);
    expect(messages.length).toBeLessThanOrEqual(FAILURE_REPLIES_MAX);
    const lines = messages.flatMap((m) => m.text.split('\n')).filter((l) => l.startsWith(':grey_question:'));
    expect(lines).toHaveLength(FAILURE_LINES_MAX);
    expect(messages.at(-1)?.text).toContain(
      `_+${500 - FAILURE_LINES_MAX} more hosts that did not go well: see the table above (Prev / Next)._`,
    );
    for (const m of messages) expect(() => validateMessageBlocks(m.blocks)).not.toThrow();
  });

  it('long evidence: fewer hosts fit, still within 3 replies and Slack limits, and the count stays true', () => {
    const many = Array.from({ length: 100 }, (_, i) => failed(`edge-${i}`, ['x'.repeat(2000), 'y'.repeat(2000)]));
    const messages = renderFanOutFailures(many);
    expect(messages.length).toBeLessThanOrEqual(FAILURE_REPLIES_MAX);
    const shown = messages.flatMap((m) => m.text.split('\n')).filter((l) => l.startsWith(':grey_question:')).length;
    expect(messages.at(-1)?.text).toContain(`_+${100 - shown} more hosts`);
    for (const m of messages) {
      expect(() => validateMessageBlocks(m.blocks)).not.toThrow();
      expect(m.text.length).toBeLessThan(40_000);
    }
  });
});
