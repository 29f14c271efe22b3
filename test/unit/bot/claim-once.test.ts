import { claimOnce } from '../../../src/bot/claim-once';
import type { RequestStorePort } from '../../../src/ports/request-store-port';

/** The claim part of the request store, in memory, with the same rule: the first caller of a key wins. */
function claims(): Pick<RequestStorePort, 'claim' | 'unclaim'> & { held: Set<string> } {
  const held = new Set<string>();
  return {
    held,
    claim: (id, key) => Promise.resolve(!held.has(`${id}/${key}`) && Boolean(held.add(`${id}/${key}`))),
    unclaim: (id, key) => Promise.resolve(void held.delete(`${id}/${key}`)),
  };
}

describe('claimOnce: work run once per request and key', () => {
  it('runs for the first caller only, also when callers overlap', async () => {
    const requests = claims();
    const deps = { requests: requests as unknown as RequestStorePort };
    let runs = 0;
    const work = () => new Promise<void>((r) => setTimeout(() => r(void (runs += 1)), 10));
    const ran = await Promise.all([
      claimOnce(deps, 'r1', 'post', work),
      claimOnce(deps, 'r1', 'post', work),
      claimOnce(deps, 'r1', 'post', work),
    ]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    expect(await claimOnce(deps, 'r1', 'other', work)).toBe(true);
    expect(runs).toBe(2);
  });

  it('a failed run gives the claim back and rethrows, so the retry runs it', async () => {
    const requests = claims();
    const deps = { requests: requests as unknown as RequestStorePort };
    await expect(claimOnce(deps, 'r1', 'deadline:j1:1', () => Promise.reject(new Error('chat down')))).rejects.toThrow('chat down');
    expect(requests.held.size).toBe(0);
    let posted = 0;
    expect(await claimOnce(deps, 'r1', 'deadline:j1:1', () => Promise.resolve((posted += 1)))).toBe(true);
    expect(posted).toBe(1);
    expect(await claimOnce(deps, 'r1', 'deadline:j1:1', () => Promise.resolve((posted += 1)))).toBe(false);
  });
});
