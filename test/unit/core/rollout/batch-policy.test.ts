import { rollingSchema } from '../../../../config/schema';
import { hostsOf, rollingTerms } from '../../../../src/core/rollout/batch-policy';

const edges = Array.from({ length: 6 }, (_, i) => ({ name: `edge-${i + 1}`, groups: ['edges'] }));
const origins = Array.from({ length: 3 }, (_, i) => ({ name: `origin-${i + 1}`, groups: ['origins'] }));

describe('hostsOf', () => {
  it('reads N and N% of the target, never below 1 nor above the target', () => {
    expect(hostsOf(2, 6)).toBe(2);
    expect(hostsOf(10, 6)).toBe(6);
    expect(hostsOf('50%', 6)).toBe(3);
    expect(hostsOf('25%', 6)).toBe(1);
    expect(hostsOf('10%', 3)).toBe(1);
    expect(hostsOf('100%', 7)).toBe(7);
  });
});

describe('rollingTerms', () => {
  const policy = rollingSchema.parse({
    batch: 1,
    maxBatch: '50%',
    groups: { edges: { batch: '25%', maxBatch: '50%', parallel: true }, origins: { batch: 1, maxBatch: 1, parallel: false } },
  });

  it('uses the group policy by default, the most careful group winning', () => {
    expect(rollingTerms(edges, undefined, policy)).toEqual({ ok: true, terms: { batchSize: 1, failureBudget: 0 } });
    const wide = rollingSchema.parse({ batch: 2, maxBatch: '50%', groups: { edges: { batch: 3 } } });
    expect(rollingTerms(edges, undefined, wide)).toEqual({ ok: true, terms: { batchSize: 2, failureBudget: 0 } });
    expect(rollingTerms([...edges, ...origins], { batchSize: 2 }, policy)).toMatchObject({
      ok: false,
      error: expect.stringContaining('`rolling.groups.origins` `maxBatch`') as unknown,
    });
  });

  it('takes --batch N within the limit, and --budget N', () => {
    expect(rollingTerms(edges, { batchSize: 2, failureBudget: 1 }, policy)).toEqual({
      ok: true,
      terms: { batchSize: 2, failureBudget: 1 },
    });
    expect(rollingTerms(edges, { batchSize: 3 }, policy)).toEqual({ ok: true, terms: { batchSize: 3, failureBudget: 0 } });
    expect(rollingTerms(edges, { batchSize: 4 }, policy)).toEqual({
      ok: false,
      error: '`--batch 4` is above the limit of 3 hosts at once for these 6 hosts (`rolling` `maxBatch`)',
    });
  });

  it("caps batches at a group's concurrency limit", () => {
    const limited = rollingSchema.parse({ batch: '50%', maxBatch: '100%', parallel: true, groups: { edges: { concurrency: 2 } } });
    expect(rollingTerms(edges, undefined, limited)).toEqual({ ok: true, terms: { batchSize: 2, failureBudget: 0 } });
    expect(rollingTerms(edges, { batchSize: 3 }, limited)).toMatchObject({
      ok: false,
      error: expect.stringContaining('limit of 2 hosts at once') as unknown,
    });
    expect(rollingTerms(edges, { parallel: true }, limited)).toMatchObject({ ok: false });
  });

  it('allows --parallel only where every group allows it', () => {
    expect(rollingTerms(edges, { parallel: true }, rollingSchema.parse({ parallel: true }))).toEqual({
      ok: true,
      terms: { batchSize: 6, failureBudget: 0 },
    });
    expect(rollingTerms(edges, { parallel: true }, rollingSchema.parse({}))).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /^`--parallel` is not allowed here \(`rolling`: `parallel: false`, or a `concurrency` below 6\)/,
      ) as unknown,
    });
    const mixed = rollingSchema.parse({ parallel: true, groups: { origins: { parallel: false } } });
    expect(rollingTerms([...edges, ...origins], { parallel: true }, mixed)).toMatchObject({
      ok: false,
      error: expect.stringContaining('`rolling.groups.origins`: `parallel: false`') as unknown,
    });
  });
});
