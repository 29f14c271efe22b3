import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { shellJoin, shellQuote } from '../../../../src/adapters/ssh/shell-quote';

describe('shellQuote', () => {
  it('round-trips any argument through a real shell unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary', minLength: 0, maxLength: 40 }).filter((s) => !s.includes('\0')),
          { maxLength: 4 },
        ),
        (args) => {
          const out = execFileSync('sh', ['-c', `printf '%s\\0' ${shellJoin(args)}`]).toString('utf8');
          const back = args.length === 0 ? [''] : out.split('\0').slice(0, -1);
          expect(back).toEqual(args.length === 0 ? [''] : args);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses NUL bytes', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});
