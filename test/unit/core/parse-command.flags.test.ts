import { parseCommand } from '../../../src/core/parse-command';
import { parseDuration } from '../../../src/core/parse-duration';

describe('verb flags', () => {
  it('grace takes --deadline; restart takes --graceful [--deadline]', () => {
    expect(parseCommand('grace edge-3 --deadline 5m')).toEqual({
      ok: true,
      command: { kind: 'verb', verb: 'grace', target: 'edge-3', options: { deadlineMs: 300000 } },
    });
    expect(parseCommand('restart edges --graceful')).toEqual({
      ok: true,
      command: { kind: 'verb', verb: 'restart', target: 'edges', options: { graceful: true } },
    });
    expect(parseCommand('restart edge-1 --graceful --deadline=90s')).toEqual({
      ok: true,
      command: { kind: 'verb', verb: 'restart', target: 'edge-1', options: { graceful: true, deadlineMs: 90000 } },
    });
    expect(parseCommand('status edge-1')).toEqual({ ok: true, command: { kind: 'verb', verb: 'status', target: 'edge-1' } });
  });

  it('refuses flags a verb does not take, bad durations, and --deadline on a plain restart', () => {
    expect(parseCommand('stop edge-1 --graceful')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unknown flag `--graceful`/) as unknown,
    });
    expect(parseCommand('grace edge-1 --deadline soon')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/takes a duration like/) as unknown,
    });
    expect(parseCommand('grace edge-1 --deadline 48h')).toMatchObject({ ok: false });
    expect(parseCommand('restart edge-1 --deadline 5m')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/needs `--graceful`/) as unknown,
    });
    expect(parseCommand('grace edge-1 --deadline')).toMatchObject({ ok: false, error: expect.stringMatching(/needs a value/) as unknown });
  });

  it('parses durations', () => {
    expect(parseDuration('90s')).toBe(90000);
    expect(parseDuration('1h30m')).toBe(5400000);
    expect(parseDuration('0s')).toBeUndefined();
    expect(parseDuration('25h')).toBeUndefined();
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('-5m')).toBeUndefined();
  });
});
